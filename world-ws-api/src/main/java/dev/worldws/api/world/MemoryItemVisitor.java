package dev.worldws.api.world;

import java.io.IOException;

/**
 * Receives the items of an agent's memory one by one from {@link Lists#forEachMemoryItem}, each either as the item
 * or, when the memory keeps it packed, as a view of its fields read in place. Called on the caller's thread, in the
 * memory's order; an exception thrown here ends the walk and reaches the caller.
 */
public interface MemoryItemVisitor {
    /** An item the memory keeps as an object, or any item of a memory that is not packed. */
    void item(MemoryItem item) throws IOException;

    /** A packed item, read in place: {@code item} and its texts are valid only during this call. */
    void packed(MemoryItemView item) throws IOException;
}
