package dev.worldws.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What an adapter gets from {@link Transport#sendAll} when it does not write several messages at once itself. */
@DisplayName("Transport.sendAll, as the SPI implements it")
class TransportSendAllTest {

    /** Sends that complete only when the test says so, one at a time, or fail when told to. */
    private static final class SlowTransport implements Transport {
        final List<String> started = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        String failOn;

        @Override
        public String id() {
            return "slow";
        }

        @Override
        public CompletionStage<Void> send(String text) {
            started.add(text);
            if (text.equals(failOn)) {
                return CompletableFuture.failedFuture(new IOException("broken pipe"));
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            pending.add(sent);
            return sent;
        }

        void completeOldest() {
            pending.remove(0).complete(null);
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Test
    @DisplayName("sends the messages in order, each once the one before it was written, and completes after the last")
    void oneAfterAnother() {
        SlowTransport transport = new SlowTransport();
        CompletableFuture<Void> all = transport.sendAll(List.of("a", "b", "c")).toCompletableFuture();

        assertThat(transport.started).containsExactly("a");
        transport.completeOldest();
        assertThat(transport.started).containsExactly("a", "b");
        transport.completeOldest();
        assertThat(all).isNotDone();
        transport.completeOldest();
        assertThat(transport.started).containsExactly("a", "b", "c");
        assertThat(all).isCompleted();
    }

    @Test
    @DisplayName("stops at the first message that cannot be sent and fails with its cause")
    void stopsAtTheFirstFailure() {
        SlowTransport transport = new SlowTransport();
        transport.failOn = "b";
        CompletableFuture<Void> all = transport.sendAll(List.of("a", "b", "c")).toCompletableFuture();
        transport.completeOldest();

        assertThat(transport.started).containsExactly("a", "b");
        assertThat(all).isCompletedExceptionally();
        assertThat(all.handle((ignored, failure) -> failure).join()).hasRootCauseInstanceOf(IOException.class);
    }
}
