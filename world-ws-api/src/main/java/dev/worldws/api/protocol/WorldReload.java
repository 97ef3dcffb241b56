package dev.worldws.api.protocol;

/** {@code world_reload}: re-read the selected world from the store; every connection receives {@code world_reloaded}. */
public record WorldReload() implements ClientRequest {
    @Override
    public ClientMessageType messageType() {
        return ClientMessageType.WORLD_RELOAD;
    }
}
