package dev.worldws.bench;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.core.protocol.ProtocolCodec;
import dev.worldws.core.protocol.Views;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-frame cost of the wire protocol: decoding the two requests a busy server sees most, and encoding the
 * frame it sends most (a {@code chat_response} chunk), from the bus event as the router does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final ProtocolCodec codec = ProtocolCodec.shared();
    private String chatSendFrame;
    private String worldSelectFrame;
    private StreamEvent chunkEvent;
    private ServerMessage chunkMessage;

    @Setup
    public void setUp() {
        chatSendFrame = "{\"type\":\"chat_send\",\"id\":\"c-1234\",\"payload\":{\"content\":\"hello world number 42, how are you?\"}}";
        worldSelectFrame = "{\"type\":\"world_select\",\"id\":\"s-1\",\"payload\":{\"templateName\":\"tea-house\","
                + "\"worldName\":\"my-world\",\"persistent\":true}}";
        chunkEvent = new StreamEvent(WorldKey.of("anon-3f1c2a9e", "my-world"), "main", 1234,
                Instant.parse("2026-11-25T18:00:00.123Z"), "ada", "6f9d1c1e-5d2b-4f7a-9b47-1b8d2f0e9a11",
                "0b7e8c55-93a4-4c1e-8f0a-2d7f6e3b1c22", StreamEvent.Kind.CHUNK, "lorem ipsum dolor sit ");
        chunkMessage = Views.message(chunkEvent);
    }

    @Benchmark
    public ClientMessage decodeChatSend() {
        return codec.decode(chatSendFrame);
    }

    @Benchmark
    public ClientMessage decodeWorldSelect() {
        return codec.decode(worldSelectFrame);
    }

    @Benchmark
    public String encodeChunk() {
        return codec.encode(chunkMessage);
    }

    @Benchmark
    public String eventToFrame() {
        return codec.encode(Views.message(chunkEvent));
    }
}
