package dev.worldws.bench;

import dev.worldws.api.WorldKey;
import dev.worldws.api.event.ActivityEvent;
import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.event.StreamEvent;
import dev.worldws.api.protocol.ClientMessage;
import dev.worldws.api.protocol.ServerMessage;
import dev.worldws.api.protocol.Status;
import dev.worldws.core.protocol.ProtocolCodec;
import dev.worldws.core.protocol.Views;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * frames it sends per chat message (a {@code chat_response} step, the reply's {@code event_stream} message, the
 * world's activity, the {@code message_accepted} status), from the bus event as the router does.
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
    private MessageEvent replyEvent;
    private ActivityEvent activityEvent;
    private ServerMessage acceptedMessage;

    @Setup
    public void setUp() {
        chatSendFrame = "{\"type\":\"chat_send\",\"id\":\"c-1234\",\"payload\":{\"content\":\"hello world number 42, how are you?\"}}";
        worldSelectFrame = "{\"type\":\"world_select\",\"id\":\"s-1\",\"payload\":{\"templateName\":\"tea-house\","
                + "\"worldName\":\"my-world\",\"persistent\":true}}";
        chunkEvent = new StreamEvent(WorldKey.of("anon-3f1c2a9e", "my-world"), "main", 1234,
                Instant.parse("2026-11-25T18:00:00.123Z"), "ada", "6f9d1c1e-5d2b-4f7a-9b47-1b8d2f0e9a11",
                "0b7e8c55-93a4-4c1e-8f0a-2d7f6e3b1c22", StreamEvent.Kind.CHUNK, "lorem ipsum dolor sit ");
        chunkMessage = Views.message(chunkEvent);
        WorldKey world = WorldKey.of("anon-3f1c2a9e", "my-world");
        Instant at = Instant.parse("2026-11-25T18:00:00.123456Z");
        replyEvent = new MessageEvent(world, "main", 1240, at, "6f9d1c1e-5d2b-4f7a-9b47-1b8d2f0e9a11", "ada",
                SenderType.AGENT, "@human lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.",
                "0b7e8c55-93a4-4c1e-8f0a-2d7f6e3b1c22", null);
        activityEvent = new ActivityEvent(world, "main", 1241, at, ActivityEvent.Kind.RESPONSE_END, 3, List.of("bob", "cy"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", "0b7e8c55-93a4-4c1e-8f0a-2d7f6e3b1c22");
        data.put("chatId", "main");
        data.put("seq", 1233L);
        acceptedMessage = new ServerMessage("c-1234", null, at, new Status(Status.MESSAGE_ACCEPTED, "message accepted",
                data));
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

    @Benchmark
    public String messageEventToFrame() {
        return codec.encode(Views.message(replyEvent));
    }

    @Benchmark
    public String activityEventToFrame() {
        return codec.encode(Views.message(activityEvent));
    }

    @Benchmark
    public String encodeAccepted() {
        return codec.encode(acceptedMessage);
    }
}
