package dev.worldws.core.store;

import dev.worldws.api.StorageException;
import dev.worldws.api.world.Lists;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes a world's files remembering what this process last wrote, so that a save costs only what changed.
 * A file that only grows (an agent's {@code memory.json}, a chat's event log): when what this process last wrote to
 * the file (or read from it when it loaded the world, {@link #rememberRead}) is a prefix of the new items, only the
 * new items are appended in place, and a file holding an empty array is filled in place; otherwise the whole file is
 * replaced atomically ({@link AtomicFiles}). Any other file ({@link #writeValue}): not written at all when it was
 * last written from an equal value and is still as written, which spares rendering it and reading it back.
 * Folders ({@link #ensureFolder}) and the sets of files a folder was last cleaned to ({@link #cleanUnlessKept}) are
 * remembered too, so that an unchanged world is saved with a few {@code stat} calls.
 *
 * <p>Why: a busy world is saved every few seconds and its conversation grows with every message, so rewriting
 * whole files made every save cost the size of the conversation (the disk and the CPU then spent most of their
 * time re-serialising and re-writing what was already stored). An append costs only what is new.
 *
 * <p>An append produces exactly the bytes a full rewrite would (the same indentation) when the file was written by
 * this store, so a file never shows how it was written. It overwrites the closing {@code "\n]\n"} with the new items and a new closing bracket (and
 * is forced to the device, with {@link Durability#FSYNC}); a crash in the middle can leave the file cut short (or
 * padded with zeros), which {@link WorldCodec#readGrowingArray} reads back as the items before the cut: the items
 * being appended are lost, never the ones stored before. An append that fails with an I/O error falls back to a
 * full atomic rewrite, so the file is whole again before the save returns.
 *
 * <p>What this process last wrote is remembered per world folder, as references to the item lists (shared with the
 * world the caller holds, so it costs little memory) and the file's size and modification time after the write.
 * An append happens only if the file on disk still has that size and time: a file changed by anyone else (another
 * server sharing the data folder, a person with an editor) is rewritten whole. {@link #forget} drops a world's
 * entries when the world is unloaded or deleted.
 *
 * <p>Thread-safe; the caller serialises the writes of one world (the store's per-world lock).
 */
final class RememberingWriter {
    /** How an array written by {@link WorldCodec#write} ends. */
    private static final byte[] CLOSING = {'\n', ']', '\n'};
    /** How an empty array written by {@link WorldCodec#write} looks, whole. */
    private static final byte[] EMPTY = {'[', ']', '\n'};

    private final AtomicFiles files;
    private final Map<Path, WorldWrites> written = new ConcurrentHashMap<>();

    /** What this process knows of one world folder's files and folders. */
    private static final class WorldWrites {
        final Map<Path, Written> files = new ConcurrentHashMap<>();
        /**
         * The value last written to each file, in the slot its {@link Written} names: one small array per world
         * rather than a field per file, because a save gives most of them a new value, and each old object that
         * gets a reference to a new one costs the next young collection a card (512 bytes of heap) to scan.
         */
        private Object[] values = new Object[8];
        private int slots;

        int newSlot() {
            if (slots == values.length) {
                values = Arrays.copyOf(values, 2 * slots);
            }
            return slots++;
        }
        /** Folders made sure of: they exist and were checked to lie where the store may write. */
        final Set<Path> folders = ConcurrentHashMap.newKeySet();
        /** Per folder, the names of the files this store manages that it was last cleaned to. */
        final Map<Path, Set<String>> kept = new ConcurrentHashMap<>();
    }

    /**
     * What was last written to a file: the value (for arrays, the item list) and the file's size and modification
     * time after it, or nothing known ({@code value} null) while a write is under way or after one failed. Updated in
     * place by the thread saving the world (the caller's per-world lock orders them), so that a save makes no new
     * map entry, key or record per file: those lived until the world's next save, long enough for every young
     * collection in between to copy them.
     */
    private static final class Written {
        private final WorldWrites world;
        private final int slot;
        private long size;
        private long modifiedNanos;
        /** Whether the file ends as {@link WorldCodec#write} ends an array, so that new items can replace the end. */
        private boolean endsClosed;

        Written(WorldWrites world, Object value, AtomicFiles.FileState state, boolean endsClosed) {
            this.world = world;
            this.slot = world.newSlot();
            set(value, state, endsClosed);
        }

        void set(Object value, AtomicFiles.FileState state, boolean endsClosed) {
            world.values[slot] = value;
            this.size = state.size();
            this.modifiedNanos = state.modified().to(TimeUnit.NANOSECONDS);
            this.endsClosed = endsClosed;
        }

        /** The value last written, or null if unknown; the entry then stays unknown until {@link #set} again. */
        Object take() {
            Object known = world.values[slot];
            world.values[slot] = null;
            return known;
        }

        /** Puts back what {@link #take} took: the file was found as written and left alone. */
        void keep(Object value) {
            world.values[slot] = value;
        }

        /** Whether the file is still as this process left it (a file hard-linked since may still be; see the caller). */
        boolean matches(AtomicFiles.FileState onDisk) {
            return onDisk.regular() && onDisk.size() == size && onDisk.modified().to(TimeUnit.NANOSECONDS) == modifiedNanos;
        }
    }

    RememberingWriter(AtomicFiles files) {
        this.files = files;
    }

    /** Renders the items of a list from an index on as the JSON array of those items alone, at their depth in the file. */
    @FunctionalInterface
    interface Renderer<T> {
        WorldCodec.Rendered render(List<T> items, int from);
    }

    /**
     * Stores {@code items} in {@code file} (inside {@code worldDir}) as the JSON array {@code render} gives for them
     * (for an append, {@code render} is asked for the new items alone, from the first one not yet written).
     *
     * @throws StorageException if neither an append nor a full rewrite succeeded
     */
    <T> void write(Path worldDir, Path file, List<T> items, Renderer<T> render) {
        WorldWrites ofWorld = of(worldDir);
        Written last = ofWorld.files.get(file);
        List<?> lastItems = last == null ? null : (List<?>) last.take();
        AtomicFiles.FileState onDisk = lastItems != null && Lists.startsWith(items, lastItems) ? AtomicFiles.FileState.of(file) : null;
        if (onDisk != null && last.matches(onDisk)) {
            if (lastItems.size() == items.size()) {
                last.keep(lastItems);
                return;
            }
            if (!lastItems.isEmpty() && last.endsClosed && !onDisk.linkedElsewhere()
                    && append(file, last.size, render.render(items, lastItems.size()))) {
                remember(ofWorld, file, items);
                return;
            }
        }
        byte[] whole = render.render(items, 0).copy();
        if ((lastItems == null || lastItems.isEmpty()) && !items.isEmpty() && fillEmpty(file, whole)) {
            remember(ofWorld, file, items);
            return;
        }
        if (files.write(file, whole) || AtomicFiles.singleLink(file) != null) {
            remember(ofWorld, file, items);
        } // else it held these bytes and may be a link (a clone's, to its template): never appended to until written
    }

    /**
     * Writes {@code render}'s bytes to {@code file} (inside {@code worldDir}) atomically, unless this process last
     * wrote an equal {@code value} there and the file still has the size and modification time it left. When this
     * process wrote the file before, the value or the file has changed since, so the file is not read back to
     * compare its bytes first.
     */
    void writeValue(Path worldDir, Path file, Object value, Supplier<byte[]> render) {
        writeValue(worldDir, file, value, render, null);
    }

    /**
     * {@link #writeValue(Path, Path, Object, Supplier)} with the file's state as the caller has just read it
     * ({@link AtomicFiles.FileState#withoutLinks}), or null to have it read here.
     */
    void writeValue(Path worldDir, Path file, Object value, Supplier<byte[]> render, AtomicFiles.FileState onDisk) {
        WorldWrites ofWorld = of(worldDir);
        Written last = ofWorld.files.get(file);
        Object lastValue = last == null ? null : last.take();
        if (lastValue != null && lastValue.equals(value)
                && stillAsWritten(onDisk != null ? onDisk : AtomicFiles.FileState.withoutLinks(file), last)) {
            last.keep(lastValue);
            return;
        }
        if (last == null) {
            files.write(file, render.get());
        } else {
            files.replace(file, render.get());
        }
        remember(ofWorld, file, value);
    }

    /**
     * Makes sure {@code folder} (inside {@code worldDir}) exists by running {@code create}, unless this process did so
     * before and it is still a folder, not replaced by a link or a file since: then it needs no fresh check of where
     * it leads.
     */
    void ensureFolder(Path worldDir, Path folder, Runnable create) {
        Set<Path> folders = of(worldDir).folders;
        if (folders.contains(folder)) {
            if (isFolder(folder)) {
                return;
            }
            folders.remove(folder); // gone or replaced: made (and checked) again below
        } else if (insideKnownFolder(folders, worldDir, folder, true)) {
            folders.add(folder);
            return;
        }
        create.run();
        folders.add(folder);
    }

    /**
     * Whether {@code folder}, below {@code worldDir}, is a folder (made here if {@code mayMake} and missing) reached
     * from a folder already made sure of through folders only, each checked with one {@code lstat}: then it lies
     * where that one does, and needs no walk of every parent with {@code readlink}. Every folder on the way is checked
     * because a system call follows a link anywhere in a path but at its end: {@code agents} swapped for a link would
     * pass a check of {@code agents/poet} alone. (A world's folder is made sure of at the start of each save, so the
     * first save of a clone or load checks its agents', chats' and events' folders with an {@code lstat} or two each
     * rather than some eight calls.)
     */
    private static boolean insideKnownFolder(Set<Path> folders, Path worldDir, Path folder, boolean mayMake) {
        Path parent = folder.getParent();
        // a ".." would lead out of the known folder: such a path takes the caller's full check
        if (parent == null || folder.equals(worldDir) || !folder.startsWith(worldDir)
                || !folder.equals(folder.normalize())
                || !(folders.contains(parent) || insideKnownFolder(folders, worldDir, parent, false))) {
            return false;
        }
        if (isFolder(folder)) {
            return true;
        }
        if (!mayMake) {
            return false;
        }
        try {
            Files.createDirectory(folder); // never through a link: mkdir fails on any existing name
            return true;
        } catch (IOException e) {
            return false; // a file or link by that name, say: the caller's own way of making it decides
        }
    }

    /** A folder, not a link to one, nor missing. */
    private static boolean isFolder(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code clean}, which leaves {@code folder} holding only {@code names} of the files this store manages
     * there, unless this process last cleaned it to the same names: a save that keeps the same files need not list
     * the folder again.
     */
    void cleanUnlessKept(Path worldDir, Path folder, Set<String> names, Runnable clean) {
        Map<Path, Set<String>> kept = of(worldDir).kept;
        if (names.equals(kept.get(folder))) {
            return;
        }
        clean.run();
        kept.put(folder, Set.copyOf(names));
    }

    /**
     * Records that {@code file} (inside {@code worldDir}) holds {@code value} as just read from its {@code length}
     * bytes, so that the next save appends to it or leaves it alone as if this process had written it. Only a
     * regular file with a single link of that length is recorded: a file hard-linked elsewhere (a world copied with
     * {@code cp -al}, say) must be replaced, never written through.
     *
     * @param endsClosed whether the bytes read end as this store ends an array ({@link #endsClosed}); a file laid out
     *     otherwise (by another tool) is left alone while unchanged and rewritten whole when it grows
     */
    void rememberRead(Path worldDir, Path file, Object value, int length, boolean endsClosed) {
        AtomicFiles.FileState read = AtomicFiles.singleLink(file);
        if (read != null && read.size() == length) {
            record(of(worldDir), read, file, value, endsClosed);
        } // else not recorded: the first save writes the file whole, as it always may
    }

    /** Whether {@code bytes} end as {@link WorldCodec#write} ends a non-empty array, which an append overwrites. */
    static boolean endsClosed(byte[] bytes) {
        return bytes.length >= CLOSING.length
                && Arrays.equals(bytes, bytes.length - CLOSING.length, bytes.length, CLOSING, 0, CLOSING.length);
    }

    /** Forgets what was written into {@code worldDir}, so its next write of each file is a full one. */
    void forget(Path worldDir) {
        written.remove(worldDir);
    }

    private WorldWrites of(Path worldDir) {
        return written.computeIfAbsent(worldDir, dir -> new WorldWrites());
    }

    /**
     * Overwrites the closing bytes of {@code file}, which ends closed and still has the size and time this process
     * left ({@link Written#matches}), with {@code rendered}'s items. Those bytes are not read back first: the size and
     * time say the file is as known (a system call saved per append: a save appends to four files of the sample
     * template, and system calls are most of a save's cost).
     */
    private boolean append(Path file, long lastSize, WorldCodec.Rendered rendered) {
        // rendered: "[\n  item,\n  item\n]\n", the items at the depth they take in the file
        try (FileChannel channel = FileChannel.open(file, AtomicFiles.WRITE_NO_FOLLOW)) {
            long at = lastSize - CLOSING.length;
            rendered.scratch()[0] = ','; // the items follow the last stored one; "[" opened the array in the rendering only
            AtomicFiles.writeAt(channel, rendered.scratch(), rendered.length(), at);
            if (files.forces()) {
                channel.force(false);
            }
            return true;
        } catch (IOException e) {
            return false; // the caller rewrites the whole file atomically, which also repairs a half-done append
        }
    }

    /**
     * Writes the whole array over a file that holds exactly an empty one ({@code "[]\n"}, as a template's memory
     * usually does), in place: the new bytes are longer, so a crash leaves them cut short (read back as the items
     * before the cut, like an append), and no new file is made (the first save of a cloned world does this for each
     * agent's memory). Only a regular file with a single link is written so, as for an append.
     */
    private boolean fillEmpty(Path file, byte[] rendered) {
        if (rendered.length <= EMPTY.length) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, AtomicFiles.READ_WRITE_NO_FOLLOW)) {
            AtomicFiles.FileState held = AtomicFiles.singleLink(file);
            if (held == null || held.size() != EMPTY.length) {
                return false;
            }
            ByteBuffer content = ByteBuffer.allocate(EMPTY.length + 1);
            while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
                // reads the whole (tiny) file, and one byte more if it has grown
            }
            if (content.position() != EMPTY.length || !java.util.Arrays.equals(content.array(), 0, EMPTY.length, EMPTY, 0,
                    EMPTY.length)) {
                return false;
            }
            AtomicFiles.writeAt(channel, rendered, 0);
            if (files.forces()) {
                channel.force(false);
            }
            return true;
        } catch (IOException e) {
            return false; // missing, a link, or a failed write: the caller rewrites the file atomically
        }
    }

    /** Records {@code value} as what {@code file} holds now, as this store wrote it. */
    private static void remember(WorldWrites ofWorld, Path file, Object value) {
        AtomicFiles.FileState written = AtomicFiles.FileState.withoutLinks(file);
        if (written == null) {
            return; // unknown state (the entry, if any, stays unknown): the next write is a full one
        }
        record(ofWorld, written, file, value, true);
    }

    /** Records {@code value} as what {@code file} holds in {@code state}, in the file's entry if it has one. */
    private static void record(WorldWrites ofWorld, AtomicFiles.FileState state, Path file, Object value,
            boolean endsClosed) {
        Written known = ofWorld.files.get(file);
        if (known == null) {
            ofWorld.files.put(file, new Written(ofWorld, value, state, endsClosed));
        } else {
            known.set(value, state, endsClosed);
        }
    }

    private static boolean stillAsWritten(AtomicFiles.FileState onDisk, Written last) {
        return onDisk != null && last.matches(onDisk);
    }
}
