package dev.worldws.tyrus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Access to private fields of Tyrus and Grizzly classes, for the few places where they offer no API for what
 * world-ws needs ({@link ReadBufferRelease}, {@link UpgradeRequestRelease}, {@link TextFrameWriter}). Each caller
 * looks its fields up once, and if any is missing (another version) it keeps the library's own behaviour; its
 * test then fails on the pinned version, which is what an upgrade should see.
 */
final class PrivateFields {
    private PrivateFields() {}

    /** A handle on {@code owner}'s field {@code name} of type {@code type}, private or not. */
    static VarHandle find(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
    }
}
