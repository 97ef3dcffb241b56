package dev.worldws.core.store;

/**
 * How far the file store goes to keep a save through a power loss. In both modes a crash of the server process
 * never leaves a torn file and never loses a save that returned: the operating system still holds the written
 * pages and writes them back. Files are replaced atomically (written beside it, then renamed over it), except
 * that {@link #WRITE_BACK} overwrites a small file in place when it does not get shorter.
 */
public enum Durability {
    /**
     * Every save, clone and append is forced to the device ({@code fsync} of each file and of its folder) before it
     * returns, so a power loss or a kernel crash keeps every save that returned. Costs one or two device flushes
     * per written file; the default.
     */
    FSYNC,
    /**
     * Files are written and renamed but the flush to the device is left to the operating system's write-back (as
     * agent-world itself and most Node.js servers do). A power loss or kernel crash may lose the saves of the last
     * seconds (Linux writes dirty pages back within about 30 s), and on file systems that do not order a rename
     * after the data it replaces (ext4 does, by default) a file replaced just before may read back empty, which
     * the store then reports as a corrupt world. A file of at most 4 KiB whose new bytes are at least as long as
     * its old ones (a chat's counters, an agent's call count) is overwritten in place with one write from its start
     * rather than replaced, which spares creating a file per save; a power loss in the middle of that write may
     * leave a mix of old and new bytes. For data that can be recreated, or machines with a battery-backed disk
     * cache.
     */
    WRITE_BACK
}
