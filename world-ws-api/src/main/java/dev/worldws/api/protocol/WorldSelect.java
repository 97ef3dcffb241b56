package dev.worldws.api.protocol;

import dev.worldws.api.TemplateName;
import dev.worldws.api.WorldName;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code world_select}: open (or create from a template) one of the user's worlds and receive its events.
 *
 * @param templateName the template a new world is cloned from; an existing world of that name is opened as it is
 * @param worldName the world's name in the user's space
 * @param persistent {@code false} deletes the world once its last connection leaves, if this select created it (an
 *        existing world is never made temporary); defaults to {@code true}
 * @param resumeFrom the last {@code seq} the client saw of this world, to receive exactly what it missed; or
 *        {@code null} for a fresh snapshot
 * @param epoch the {@code epoch} the client's {@code resumeFrom} belongs to (from {@code world_selected}); or
 *        {@code null}, which gets a fresh snapshot ({@code recovered: false}): without it the seq cannot be trusted
 */
public record WorldSelect(TemplateName templateName, WorldName worldName, boolean persistent, Long resumeFrom,
        String epoch) implements ClientRequest {
    public WorldSelect {
        Objects.requireNonNull(templateName, "templateName");
        Objects.requireNonNull(worldName, "worldName");
        if (resumeFrom != null && resumeFrom < 0) {
            throw new IllegalArgumentException("resumeFrom must not be negative (was " + resumeFrom + ")");
        }
    }

    public OptionalLong resumePosition() {
        return resumeFrom == null ? OptionalLong.empty() : OptionalLong.of(resumeFrom);
    }

    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.WORLD_SELECT;
    }
}
