package dev.worldws.core.store;

import dev.worldws.api.AgentId;
import dev.worldws.api.CorruptWorldException;
import dev.worldws.api.InvalidNameException;
import dev.worldws.api.ReadOnlyTemplateException;
import dev.worldws.api.StorageException;
import dev.worldws.api.TemplateName;
import dev.worldws.api.TemplateNotFoundException;
import dev.worldws.api.UserId;
import dev.worldws.api.WorldExistsException;
import dev.worldws.api.WorldKey;
import dev.worldws.api.WorldName;
import dev.worldws.api.WorldNotFoundException;
import dev.worldws.api.spi.WorldStore;
import dev.worldws.api.world.Agent;
import dev.worldws.api.world.AgentConfig;
import dev.worldws.api.world.Chat;
import dev.worldws.api.world.EventLogEntry;
import dev.worldws.api.world.Lists;
import dev.worldws.api.world.MemoryItem;
import dev.worldws.api.world.World;
import dev.worldws.api.world.WorldConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The file {@link WorldStore}: agent-world's folder format under a data directory ({@link StorageLayout}).
 *
 * <p>Templates are read, never written: every path this store writes, moves or deletes is first resolved to its
 * real location (following symbolic links) and refused with {@link ReadOnlyTemplateException} unless it lies
 * inside {@code users/}. Each file is written atomically ({@link AtomicFiles}); a clone is assembled in a hidden
 * folder and renamed into place, and a delete renames the world away before removing it, so neither is ever seen
 * half done. Loads, saves, clones and deletes of one world are serialized by a read-write lock (striped by world),
 * so a reader in this process sees one whole save or another.
 */
final class FileWorldStore implements WorldStore {
    private static final System.Logger LOG = System.getLogger(FileWorldStore.class.getName());
    private static final String CONFIG = "config.json";
    private static final String PROMPT = "system-prompt.md";
    private static final String MEMORY = "memory.json";
    private static final int LOCK_STRIPES = 64;
    private static final LinkOption[] FOLLOW = {};
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** Starts a name beginning with a dot (a staging folder, "..") inside a path. */
    private static final String HIDDEN_SEGMENT = java.io.File.separator + ".";

    private final StorageLayout layout;
    private final Clock clock;
    private final AtomicFiles files;
    private final WorldCodec codec = new WorldCodec();
    private final RememberingWriter writer;
    /** Per world folder, its event log as last split by chat, for a world with more than one chat (see eventsByChat). */
    private final Map<Path, LogByChat> logsByChat = new ConcurrentHashMap<>();
    /** The paths of each saved world's files, by world folder; dropped with the rest of what a save remembers. */
    private final Map<Path, WorldFiles> filesByWorld = new ConcurrentHashMap<>();
    private final SharedValues shared = new SharedValues();
    /** Per template, what its latest clone found and read ({@link ClonedContents}), for the next clone to reuse. */
    private final Map<TemplateName, ClonedContents> clonedContents = new ConcurrentHashMap<>();
    private final Path usersReal;
    private final ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[LOCK_STRIPES];
    /** Whose clones get links to the template's files rather than copies (see {@link WorldStores#files(Path, Clock, Durability, Predicate)}). */
    private final Predicate<? super UserId> linksTemplateFiles;
    private final AtomicBoolean linkRefusalLogged = new AtomicBoolean();

    FileWorldStore(Path dataDir, Clock clock, AtomicFiles files) {
        this(dataDir, clock, files, user -> false);
    }

    FileWorldStore(Path dataDir, Clock clock, AtomicFiles files, Predicate<? super UserId> linksTemplateFiles) {
        this.linksTemplateFiles = Objects.requireNonNull(linksTemplateFiles, "linksTemplateFiles");
        this.layout = new StorageLayout(dataDir);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.files = Objects.requireNonNull(files, "files");
        this.writer = new RememberingWriter(files);
        try {
            Files.createDirectories(layout.usersDir());
            this.usersReal = layout.usersDir().toRealPath();
            Path templates = layout.templatesDir();
            if (Files.exists(templates) && usersReal.startsWith(templates.toRealPath())) {
                throw new ReadOnlyTemplateException("the users folder " + usersReal
                        + " lies inside the templates folder; templates are read-only");
            }
        } catch (IOException e) {
            throw new StorageException("cannot prepare data directory " + layout.dataDir() + ": " + AtomicFiles.describe(e), e);
        }
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
        sweepLeftovers();
    }

    /** The clone time, in milliseconds like agent-world's JavaScript timestamps. */
    static Instant clonedAt(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    StorageLayout layout() {
        return layout;
    }

    // ---------------------------------------------------------------- templates

    @Override
    public List<TemplateName> listTemplates() {
        return listNames(layout.templatesDir(), TemplateName::isValid, TemplateName::new,
                dir -> Files.isRegularFile(dir.resolve(CONFIG)));
    }

    @Override
    public boolean templateExists(TemplateName template) {
        return Files.isRegularFile(layout.templateDir(template).resolve(CONFIG));
    }

    @Override
    public World loadTemplate(TemplateName template) {
        if (!templateExists(template)) {
            throw new TemplateNotFoundException("template \"" + template + "\" not found");
        }
        return readWorld(layout.templateDir(template), template.value(), false);
    }

    // ---------------------------------------------------------------- user spaces

    @Override
    public void createUserSpace(UserId user) {
        Path worlds = layout.userWorldsDir(user);
        guardWritable(worlds);
        try {
            Files.createDirectories(worlds);
        } catch (IOException e) {
            throw new StorageException("cannot create the space of user \"" + user + "\": " + AtomicFiles.describe(e), e);
        }
    }

    @Override
    public List<UserId> listUsers() {
        // hidden folders (a delete in progress) and foreign names are no user's space
        return listNames(layout.usersDir(), UserId::isValid, UserId::of, dir -> true);
    }

    @Override
    public void deleteUserSpace(UserId user) {
        for (WorldName world : listWorlds(user)) {
            delete(new WorldKey(user, world));
        }
        Path userDir = layout.userDir(user);
        if (Files.exists(userDir, LinkOption.NOFOLLOW_LINKS)) {
            guardWritable(userDir);
            deleteTree(userDir);
        }
    }

    // ---------------------------------------------------------------- user worlds

    @Override
    public World cloneFromTemplate(TemplateName template, WorldKey target) {
        Path templateDir = layout.templateDir(template);
        // stamped before it is read: a config changed after this is another stamp at the next clone
        FileStamp configStamp = FileStamp.of(templateDir, CONFIG, true);
        if (configStamp == null || configStamp.kind() != FileStamp.Kind.FILE) {
            throw new TemplateNotFoundException("template \"" + template + "\" not found");
        }
        return withLock(target, true, () -> {
            if (exists(target)) {
                throw new WorldExistsException("world \"" + target.worldName() + "\" already exists for user \""
                        + target.userId() + "\"");
            }
            createUserSpace(target.userId());
            Path worldDir = layout.worldDir(target);
            Path staging = worldDir.resolveSibling(".clone-" + UUID.randomUUID());
            guardWritable(staging);
            ClonedContents last = clonedContents.get(template);
            Map<String, Object> templateJson;
            List<FileStamp> copied;
            boolean sameFiles;
            try {
                Path templateConfig = templateDir.resolve(CONFIG);
                templateJson = last != null && last.config().equals(configStamp)
                        ? last.configJson()
                        : Collections.unmodifiableMap(codec.readObject(read(templateConfig), relative(templateConfig)));
                // the world's config is written once, with its metadata, rather than copied and then replaced: the
                // staging folder is the clone's own until it is renamed into place, so no temporary file is needed
                boolean link = linksTemplateFiles.test(target.userId());
                sameFiles = last != null && last.files() != null && unchanged(templateDir, last.files());
                if (sameFiles) {
                    copied = last.files();
                    copyStamped(templateDir, staging, copied, link);
                } else {
                    copied = copyTree(templateDir, staging, templateConfig, link);
                }
                Map<String, Object> json = new LinkedHashMap<>(templateJson);
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("originalTemplate", template.value());
                meta.put("clonedFor", target.userId().value());
                meta.put("clonedAt", WorldCodec.format(clonedAt(clock)));
                json.put("metadata", meta);
                Path configFile = worldDir.resolve(CONFIG);
                WorldConfig config = codec.worldConfig(json, target.worldName().value(), relative(configFile));
                // as a save renders it, so that the world's first save finds it unchanged instead of rewriting it
                files.create(staging.resolve(CONFIG), codec.write(codec.worldConfigJson(config)));
                if (Files.exists(worldDir, LinkOption.NOFOLLOW_LINKS)) {
                    // a folder without config.json (a leftover): the clone replaces it
                    guardWritable(worldDir);
                    deleteTree(worldDir);
                }
                forget(worldDir);
                Files.move(staging, worldDir, StandardCopyOption.ATOMIC_MOVE);
                files.forceRenames(worldDir.getParent());
                // the same files as the last clone's (links to them, or copies): what that clone read
                Contents contents = sameFiles ? last.contents() : readContents(worldDir);
                if (!sameFiles || last.configJson() != templateJson) {
                    keepForNextClone(template, new ClonedContents(configStamp, templateJson, copied, contents));
                }
                return assemble(worldDir, config, contents, true);
            } catch (IOException e) {
                deleteTree(staging);
                throw new StorageException("cannot clone template \"" + template + "\" to " + relative(worldDir) + ": "
                        + AtomicFiles.describe(e), e);
            } catch (RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
        });
    }

    /** Bounded like {@link SharedValues}: a data folder naming ever new templates cannot grow it. */
    private void keepForNextClone(TemplateName template, ClonedContents contents) {
        if (clonedContents.size() < SharedValues.MAX_TEMPLATES || clonedContents.containsKey(template)) {
            clonedContents.put(template, contents);
        }
    }

    /**
     * What a template's latest clone found and read: the template's config (as stamped before it was read) and its
     * other folders and files as copied (null where the file system gives no file keys, which would let a file
     * replaced by one of the same size and time look unchanged), and what the clone's folder then held besides
     * its config. A clone of a template unchanged since is made from this instead of a walk of the template and a
     * read-back of the copy, which were most of a clone's work.
     */
    private record ClonedContents(FileStamp config, Map<String, Object> configJson, List<FileStamp> files,
            Contents contents) {}

    /**
     * A folder or file of a template as a clone found it, by its path below the template's folder ("" for the
     * folder itself). Any change to the template (a file written, added, removed, renamed or replaced) changes a
     * stamp: writing a file changes its modification time, an entry added to, removed from or renamed in a folder
     * changes the folder's, and a replaced file is another file (its key: the device and inode on Unix).
     */
    private record FileStamp(String path, Kind kind, Object fileKey, long size, long modified) {
        enum Kind { FOLDER, FILE, OTHER }

        static FileStamp of(String path, BasicFileAttributes attrs) {
            Kind kind = attrs.isDirectory() ? Kind.FOLDER : attrs.isRegularFile() ? Kind.FILE : Kind.OTHER;
            return new FileStamp(path, kind, attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        }

        /** The stamp of {@code path} below {@code root} as it is now; null if it cannot be read (gone, say). */
        static FileStamp of(Path root, String path, boolean followLinks) {
            try {
                return of(path, Files.readAttributes(path.isEmpty() ? root : root.resolve(path), BasicFileAttributes.class,
                        followLinks ? FOLLOW : NO_FOLLOW));
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** Whether every folder and file of {@code stamps} is still as stamped (one stat each, no folder listed). */
    private static boolean unchanged(Path templateDir, List<FileStamp> stamps) {
        for (FileStamp stamp : stamps) {
            if (!stamp.equals(FileStamp.of(templateDir, stamp.path(), false))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public World load(WorldKey key) {
        return withLock(key, false, () -> {
            requireExists(key);
            return readWorld(layout.worldDir(key), key.worldName().value(), true);
        });
    }

    @Override
    public void save(WorldKey key, World world) {
        Objects.requireNonNull(world, "world");
        withLock(key, true, () -> {
            Path dir = layout.worldDir(key);
            // one stat of config.json tells that the world exists and, for the writer, whether the file is as it
            // left it (a config that is a link takes the check that follows links, and the writer stats again)
            WorldFiles known = filesByWorld.get(dir);
            AtomicFiles.FileState config = AtomicFiles.FileState.withoutLinks(known != null ? known.config : dir.resolve(CONFIG));
            if (config == null || !config.regular()) {
                requireExists(key);
                config = null;
            }
            writeWorld(dir, world, config); // files per agent, chat and chat's events: any order will do
            return null;
        });
    }

    /** Drops what this store remembers of the world's last writes, which makes its saves append. */
    @Override
    public void release(WorldKey key) {
        forget(layout.worldDir(key));
    }

    @Override
    public List<WorldName> listWorlds(UserId user) {
        return listNames(layout.userWorldsDir(user), WorldName::isValid, WorldName::new,
                dir -> Files.isRegularFile(dir.resolve(CONFIG)));
    }

    @Override
    public boolean exists(WorldKey key) {
        return Files.isRegularFile(layout.worldDir(key).resolve(CONFIG));
    }

    @Override
    public boolean delete(WorldKey key) {
        return withLock(key, true, () -> {
            Path worldDir = layout.worldDir(key);
            if (!Files.exists(worldDir, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            guardWritable(worldDir);
            forget(worldDir);
            Path doomed = worldDir.resolveSibling(".deleted-" + UUID.randomUUID());
            try {
                Files.move(worldDir, doomed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new StorageException("cannot delete " + relative(worldDir) + ": " + AtomicFiles.describe(e), e);
            }
            deleteTree(doomed);
            return true;
        });
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a world folder. For a user's world ({@code remember}), the writer learns what each non-empty growing file
     * holds, so that the first save after a load or a clone appends to it instead of writing it anew. (Not the other
     * files, nor empty arrays, which the first save handles in place without it: a loaded world that is never
     * changed, like most of the worlds of idle connections, keeps no record.)
     */
    private World readWorld(Path dir, String fallbackId, boolean remember) {
        Path configFile = dir.resolve(CONFIG);
        WorldConfig config = codec.worldConfig(codec.readObject(read(configFile), relative(configFile)), fallbackId,
                relative(configFile));
        return assemble(dir, config, readContents(dir), remember);
    }

    /** What a world folder holds besides its config: for a fresh clone, exactly what its template holds. */
    private record Contents(List<Agent> agents, List<Chat> chats, List<EventLogEntry> events, List<GrowingFile> growing) {}

    /** A non-empty growing file that was read whole: its path below the world folder, its items and its length. */
    private record GrowingFile(String path, Object items, int length, boolean endsClosed) {}

    private Contents readContents(Path dir) {
        List<Agent> agents = new ArrayList<>();
        List<GrowingFile> growing = new ArrayList<>();
        for (Path agentDir : children(dir.resolve("agents"), Files::isDirectory)) {
            String folder = agentDir.getFileName().toString();
            Path agentConfig = agentDir.resolve(CONFIG);
            if (!AgentId.isValid(folder) || !Files.isRegularFile(agentConfig)) {
                LOG.log(System.Logger.Level.DEBUG, "skipping " + relative(agentDir) + ": not an agent folder");
                continue;
            }
            AgentConfig agent = codec.agentConfig(codec.readObject(read(agentConfig), relative(agentConfig)),
                    AgentId.of(folder), relative(agentConfig));
            Path promptFile = agentDir.resolve(PROMPT);
            String prompt = Files.isRegularFile(promptFile) ? new String(read(promptFile), StandardCharsets.UTF_8) : "";
            Path memoryFile = agentDir.resolve(MEMORY);
            List<MemoryItem> memory = List.of();
            if (Files.isRegularFile(memoryFile)) {
                GrowingArray array = readGrowingArray(memoryFile);
                memory = codec.memory(array.items(), relative(memoryFile));
                if (array.whole() && !memory.isEmpty()) {
                    growing.add(new GrowingFile("agents/" + folder + "/" + MEMORY, memory, array.length(),
                            array.endsClosed()));
                }
            }
            agents.add(new Agent(agent, prompt, memory));
        }
        List<Chat> chats = new ArrayList<>();
        for (Path chatFile : jsonFiles(dir.resolve("chats"))) {
            chats.add(codec.chat(codec.readObject(read(chatFile), relative(chatFile)), stem(chatFile), relative(chatFile)));
        }
        List<EventLogEntry> events = new ArrayList<>();
        for (Path eventFile : jsonFiles(dir.resolve("events"))) {
            GrowingArray array = readGrowingArray(eventFile);
            List<EventLogEntry> entries = codec.events(array.items(), stem(eventFile), relative(eventFile));
            events.addAll(entries);
            if (array.whole() && !entries.isEmpty()) {
                growing.add(new GrowingFile("events/" + eventFile.getFileName(), entries, array.length(),
                        array.endsClosed()));
            }
        }
        return new Contents(List.copyOf(agents), List.copyOf(chats), List.copyOf(events), List.copyOf(growing));
    }

    /** The world of {@code dir} made of its config and contents, read whole before anything is learnt from them. */
    private World assemble(Path dir, WorldConfig config, Contents contents, boolean remember) {
        World world = WorldOrder.canonical(new World(config, contents.agents(), contents.chats(), contents.events()));
        if (remember && config.metadata() != null) {
            // a user's world holds its template's values until it changes them: one instance of each for all clones
            shared.learn(config.metadata().originalTemplate(), this::loadTemplate);
            world = shared.share(world);
        }
        if (remember) {
            // only once the whole world has been read: a corrupt file must leave nothing half-learned behind
            for (GrowingFile file : contents.growing()) {
                writer.rememberRead(dir, dir.resolve(file.path()), file.items(), file.length(), file.endsClosed());
            }
        }
        return world;
    }

    /**
     * A growing array as read: its items, the file's length, whether it was whole (not cut by a crash) and whether it
     * ends as this store ends an array (a file another tool wrote may not).
     */
    private record GrowingArray(List<Object> items, int length, boolean whole, boolean endsClosed) {}

    private GrowingArray readGrowingArray(Path file) {
        String source = relative(file);
        byte[] bytes = read(file);
        boolean[] cut = {false};
        List<Object> items = codec.readGrowingArray(bytes, source, dropped -> {
            cut[0] = true;
            LOG.log(System.Logger.Level.WARNING, "{0} ended in the middle of an append (a crash while it was"
                    + " written?): read the items before the last {1} bytes; the next save rewrites it whole", source,
                    dropped);
        });
        return new GrowingArray(items, bytes.length, !cut[0], RememberingWriter.endsClosed(bytes));
    }

    private byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptWorldException("world file " + relative(file) + " disappeared while reading", e);
        } catch (IOException e) {
            throw new StorageException("cannot read " + relative(file) + ": " + AtomicFiles.describe(e), e);
        }
    }

    // ---------------------------------------------------------------- writing

    private void writeWorld(Path dir, World world, AtomicFiles.FileState configState) {
        for (Chat chat : world.chats()) {
            requireFileName("chat id", chat.id());
        }
        Map<String, List<EventLogEntry>> eventsByChat = eventsByChat(dir, world.events());
        // the world folder's real location is resolved once while the world is loaded (a walk of every parent with
        // readlink); later saves check with one lstat that it is still that folder, as for the folders inside it
        writer.ensureFolder(dir, dir, () -> guardWritable(dir));
        WorldFiles paths = filesByWorld.computeIfAbsent(dir, WorldFiles::new);
        writer.writeValue(dir, paths.config, world.config(),
                () -> codec.write(codec.worldConfigJson(world.config())), configState);

        Path agentsDir = paths.agentsDir;
        Set<String> agentFolders = new HashSet<>();
        for (Agent agent : world.agents()) {
            AgentFiles agentPaths = paths.agent(agent.id().value());
            Path agentDir = agentPaths.dir();
            agentFolders.add(agent.id().value());
            writer.ensureFolder(dir, agentDir, () -> createDirectories(agentDir));
            writer.writeValue(dir, agentPaths.config(), agent.config(),
                    () -> codec.write(codec.agentConfigJson(agent.config())));
            Path promptFile = agentPaths.prompt();
            if (!agent.systemPrompt().isEmpty() || Files.exists(promptFile)) {
                writer.writeValue(dir, promptFile, agent.systemPrompt(),
                        () -> agent.systemPrompt().getBytes(StandardCharsets.UTF_8));
            }
            writer.write(dir, agentPaths.memory(), agent.memory(), codec::renderMemory);
        }
        writer.cleanUnlessKept(dir, agentsDir, agentFolders, () -> {
            for (Path agentDir : children(agentsDir, Files::isDirectory)) {
                String folder = agentDir.getFileName().toString();
                if (AgentId.isValid(folder) && !agentFolders.contains(folder)
                        && Files.isRegularFile(agentDir.resolve(CONFIG))) {
                    deleteTree(agentDir); // the agent was removed from the world
                }
            }
        });

        Set<String> chatFiles = new HashSet<>();
        Path chatsDir = paths.chatsDir;
        if (!world.chats().isEmpty()) {
            writer.ensureFolder(dir, chatsDir, () -> createDirectories(chatsDir));
        }
        for (Chat chat : world.chats()) {
            NamedFile chatFile = paths.chat(chat.id());
            chatFiles.add(chatFile.name());
            writer.writeValue(dir, chatFile.path(), chat, () -> codec.write(codec.chatJson(chat)));
        }
        writer.cleanUnlessKept(dir, chatsDir, chatFiles, () -> removeStaleJson(chatsDir, chatFiles));

        Path eventsDir = paths.eventsDir;
        if (!eventsByChat.isEmpty()) {
            writer.ensureFolder(dir, eventsDir, () -> createDirectories(eventsDir));
        }
        Set<String> eventFiles = new HashSet<>();
        eventsByChat.forEach((chatId, entries) -> {
            NamedFile eventFile = paths.events(chatId);
            eventFiles.add(eventFile.name());
            writer.write(dir, eventFile.path(), entries, codec::renderEvents);
        });
        writer.cleanUnlessKept(dir, eventsDir, eventFiles, () -> removeStaleJson(eventsDir, eventFiles));
    }

    /**
     * The event log grouped by chat, every chat id checked, before anything is written. A log whose events all belong
     * to one chat (the usual case) is that chat's list as it is: copying it would cost every save the length of the
     * conversation, and the copy, which the writer keeps as what it last wrote, would live until the world's next
     * save. A log of several chats is split once and then extended: when the log grew from the one split last time,
     * only its new events are read and appended to their chats' lists (kept packed, like the log), so that a save
     * costs what is new, and the writer sees each chat's list grow from the one it last wrote.
     */
    private Map<String, List<EventLogEntry>> eventsByChat(Path dir, List<EventLogEntry> events) {
        if (events.isEmpty()) {
            logsByChat.remove(dir);
            return Map.of();
        }
        String only = Lists.onlyChat(events); // known without reading the (packed) events of a world's log
        if (only != null) {
            requireFileName("chat id", only);
            logsByChat.remove(dir);
            return Map.of(only, events);
        }
        LogByChat last = logsByChat.get(dir);
        boolean grew = last != null && Lists.startsWith(events, last.log());
        Map<String, List<EventLogEntry>> byChat = grew ? new LinkedHashMap<>(last.byChat()) : new LinkedHashMap<>();
        for (int i = grew ? last.log().size() : 0; i < events.size(); i++) {
            EventLogEntry event = events.get(i);
            List<EventLogEntry> chat = byChat.get(event.chatId());
            if (chat == null) {
                requireFileName("chat id", event.chatId());
                chat = List.of();
            }
            byChat.put(event.chatId(), Lists.withEvent(chat, event));
        }
        logsByChat.put(dir, new LogByChat(events, byChat));
        return byChat;
    }

    /**
     * The paths of one world folder's files, resolved when the world is first saved: a save of the sample template
     * resolved some twenty paths (and named its chat and event files twice), each a new path and its bytes. Used
     * under the world's lock only.
     */
    private static final class WorldFiles {
        final Path config;
        final Path agentsDir;
        final Path chatsDir;
        final Path eventsDir;
        private final Map<String, AgentFiles> agents = new HashMap<>();
        private final Map<String, NamedFile> chats = new HashMap<>();
        private final Map<String, NamedFile> events = new HashMap<>();

        WorldFiles(Path dir) {
            config = dir.resolve(CONFIG);
            agentsDir = dir.resolve("agents");
            chatsDir = dir.resolve("chats");
            eventsDir = dir.resolve("events");
        }

        AgentFiles agent(String id) {
            AgentFiles files = agents.get(id);
            if (files == null) {
                Path dir = agentsDir.resolve(id);
                files = new AgentFiles(dir, dir.resolve(CONFIG), dir.resolve(PROMPT), dir.resolve(MEMORY));
                agents.put(id, files);
            }
            return files;
        }

        NamedFile chat(String chatId) {
            return named(chats, chatsDir, chatId);
        }

        NamedFile events(String chatId) {
            return named(events, eventsDir, chatId);
        }

        private static NamedFile named(Map<String, NamedFile> known, Path folder, String chatId) {
            NamedFile file = known.get(chatId);
            if (file == null) {
                String name = chatId + ".json";
                file = new NamedFile(name, folder.resolve(name));
                known.put(chatId, file);
            }
            return file;
        }
    }

    private record AgentFiles(Path dir, Path config, Path prompt, Path memory) {}

    private record NamedFile(String name, Path path) {}

    /** A world's event log and the lists of its chats' events that {@link #eventsByChat} split it into. */
    private record LogByChat(List<EventLogEntry> log, Map<String, List<EventLogEntry>> byChat) {}

    /** Drops what this store remembers of a world folder's last writes: its next save writes every file whole. */
    private void forget(Path worldDir) {
        writer.forget(worldDir);
        filesByWorld.remove(worldDir);
        logsByChat.remove(worldDir);
    }

    private void removeStaleJson(Path dir, Set<String> keep) {
        for (Path file : jsonFiles(dir)) {
            if (!keep.contains(file.getFileName().toString())) {
                guardWritable(file);
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new StorageException("cannot remove " + relative(file) + ": " + AtomicFiles.describe(e), e);
                }
            }
        }
    }

    private void createDirectories(Path dir) {
        guardWritable(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create " + relative(dir) + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static void requireFileName(String kind, String value) {
        if (!WorldName.isValid(value)) {
            throw new InvalidNameException(kind, value,
                    "must be usable as a file name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /**
     * Refuses any write outside {@code users/}: the normalized path must lie below it, and so must the real
     * location of its nearest existing ancestor (which catches symbolic links pointing out, for example into a
     * template). The users folder's own real location is resolved once, when the store starts.
     */
    private void guardWritable(Path target) {
        Path normalized = target.toAbsolutePath().normalize();
        if (!normalized.startsWith(layout.usersDir()) || normalized.equals(layout.usersDir())) {
            throw new ReadOnlyTemplateException("refusing to write " + normalized
                    + ": only the users folder is writable; templates are read-only");
        }
        if (noLinkBelowUsers(normalized)) {
            return; // its real location is below the users folder's: the folders the store made, the usual case
        }
        Path existing = normalized;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            Path real = existing == null ? null : existing.toRealPath();
            if (real == null || !real.startsWith(usersReal)) {
                throw new ReadOnlyTemplateException("refusing to write " + relative(normalized) + ": it resolves to "
                        + real + ", outside the users folder; templates are read-only");
            }
        } catch (IOException e) {
            throw new StorageException("cannot resolve " + relative(normalized) + ": " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * Whether every folder from below {@code users/} down to {@code normalized}, and {@code normalized} itself, is
     * either missing (and so is everything below it) or a folder or file that is no symbolic link: one {@code lstat}
     * each. Then the path's real location is the users folder's with the same names below it. False for anything
     * else (a link, a name below a file, an error), which takes the full check: resolving the real location walks
     * every folder from the root with a {@code readlink} each, some 25 calls per clone and deletion of a guest's world.
     */
    private boolean noLinkBelowUsers(Path normalized) {
        Path at = layout.usersDir();
        for (Path name : at.relativize(normalized)) {
            at = at.resolve(name);
            try {
                if (Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink()) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- helpers

    /** Hard-links {@code link} to {@code existing}; false (and nothing made) where the file system refuses. */
    private boolean linked(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw e; // not a refusal: a copy would fail the same way
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            if (linkRefusalLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "the file system refuses hard links to templates (" + e
                        + "); clones copy such files instead");
            }
            return false;
        }
    }

    /**
     * Copies the folder {@code from} to {@code to}, leaving out {@code skipped}; with {@code link}, each file is
     * hard-linked where the file system allows it (no new inode, no data written) and copied where it does not
     * (another device, too many links, no links at all). A linked file is never written through: the store writes
     * in place only into files it wrote itself or found to have a single link ({@link RememberingWriter}), so the
     * first save that changes it replaces it with the world's own file.
     *
     * @return what was copied, as found ({@link FileStamp}), or null where the file system gives no file keys
     */
    private List<FileStamp> copyTree(Path from, Path to, Path skipped, boolean link) throws IOException {
        // the target folder of the folder being visited, followed by name (no relativize per file: clones are hot),
        // and the visited folder's path below from
        ArrayDeque<Path> targets = new ArrayDeque<>();
        ArrayDeque<String> paths = new ArrayDeque<>();
        List<FileStamp> stamps = new ArrayList<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                String path = paths.isEmpty() ? "" : below(paths.peek(), name);
                stamps.add(FileStamp.of(path, attrs));
                Path target = targets.isEmpty() ? to : targets.peek().resolve(name);
                Files.createDirectories(target);
                targets.push(target);
                paths.push(path);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.equals(skipped)) {
                    return FileVisitResult.CONTINUE;
                }
                String name = file.getFileName().toString();
                stamps.add(FileStamp.of(below(paths.peek(), name), attrs));
                if (attrs.isRegularFile()) {
                    copyFile(file, targets.peek().resolve(name), link);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "not cloning " + relative(file) + ": not a regular file");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                files.forceRenames(targets.pop());
                paths.pop();
                return FileVisitResult.CONTINUE;
            }
        });
        // without file keys a file replaced by one of the same size and time would look unchanged
        return stamps.stream().allMatch(stamp -> stamp.fileKey() != null) ? stamps : null;
    }

    private static String below(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }

    /**
     * {@link #copyTree}'s copy of {@code from} when its folders and files are known to be those of {@code stamps}
     * (in the order of a walk: each folder before what it holds): no folder is listed.
     */
    private void copyStamped(Path from, Path to, List<FileStamp> stamps, boolean link) throws IOException {
        List<Path> folders = new ArrayList<>();
        for (FileStamp stamp : stamps) {
            Path target = stamp.path().isEmpty() ? to : to.resolve(stamp.path());
            if (stamp.kind() == FileStamp.Kind.FOLDER) {
                Files.createDirectories(target);
                folders.add(target);
            } else if (stamp.kind() == FileStamp.Kind.FILE) {
                copyFile(from.resolve(stamp.path()), target, link);
            } // anything else is not cloned (the walk that stamped it said so)
        }
        for (int i = folders.size() - 1; i >= 0; i--) { // each folder's entries forced before the folder's own
            files.forceRenames(folders.get(i));
        }
    }

    private void copyFile(Path file, Path copy, boolean link) throws IOException {
        if (link && linked(copy, file)) {
            return; // the template's bytes are already on the device; the folder's entry is forced by the caller
        }
        Files.copy(file, copy);
        // durable before the clone is renamed into place: else a crash could leave a world whose config.json is on
        // disk but whose agent files are empty
        if (files.forces()) {
            try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    /** The store's own temporary names: a clone being assembled, a world being deleted, a file being written. */
    private static final java.util.regex.Pattern LEFTOVER_FOLDER =
            java.util.regex.Pattern.compile("\\.(clone|deleted)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final java.util.regex.Pattern LEFTOVER_FILE =
            java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");
    /** Younger leftovers may be another store's work in progress on the same folder, so they are kept. */
    static final java.time.Duration LEFTOVER_MIN_AGE = java.time.Duration.ofMinutes(1);

    /**
     * Removes what a crash left under {@code users/}: half-assembled clones, worlds renamed away for deletion, and
     * temporary files of interrupted writes. Only those exact name patterns, only under {@code users/}, never
     * following a symbolic link; a failure is logged, never fatal.
     */
    private void sweepLeftovers() {
        java.time.Instant cutoff = java.time.Instant.now().minus(LEFTOVER_MIN_AGE);
        List<Path> leftovers = new ArrayList<>();
        try {
            Files.walkFileTree(layout.usersDir(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (LEFTOVER_FOLDER.matcher(dir.getFileName().toString()).matches()) {
                        if (attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
                            leftovers.add(dir);
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && LEFTOVER_FILE.matcher(file.getFileName().toString()).matches()
                            && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        leftovers.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) {
                    LOG.log(System.Logger.Level.WARNING, "cannot look at " + relative(file) + ": " + failure);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot look for leftovers under " + relative(layout.usersDir()), e);
            return;
        }
        for (Path leftover : leftovers) {
            try {
                guardWritable(leftover);
                deleteTree(leftover);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove leftover " + relative(leftover), e);
            }
        }
        if (!leftovers.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "removed {0} leftovers of interrupted clones, deletes and writes",
                    leftovers.size());
        }
    }

    /** Deletes a folder without following symbolic links out of it. */
    private void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StorageException("cannot delete " + relative(root) + ": " + AtomicFiles.describe(e), e);
        }
    }

    private <T> List<T> listNames(Path dir, Predicate<String> valid, Function<String, T> make,
            Predicate<Path> accept) {
        List<T> names = new ArrayList<>();
        for (Path child : children(dir, Files::isDirectory)) {
            String name = child.getFileName().toString();
            if (valid.test(name) && accept.test(child)) {
                names.add(make.apply(name));
            }
        }
        return names;
    }

    /** The children of {@code dir} accepted by {@code filter}, sorted by name; none if it is not a directory. */
    private List<Path> children(Path dir, Predicate<Path> filter) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                if (filter.test(child)) {
                    children.add(child);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list " + relative(dir) + ": " + AtomicFiles.describe(e), e);
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return children;
    }

    /** The {@code *.json} files of {@code dir} whose names are valid ids, sorted by id. */
    private List<Path> jsonFiles(Path dir) {
        List<Path> found = new ArrayList<>(children(dir, file -> {
            String name = file.getFileName().toString();
            return Files.isRegularFile(file) && name.endsWith(".json") && WorldName.isValid(stem(file));
        }));
        found.sort((a, b) -> stem(a).compareTo(stem(b)));
        return found;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    /** A path as shown in messages: relative to the data directory, so no server layout leaks to clients. */
    private String relative(Path path) {
        String text = path.toString();
        String dataDir = layout.dataDir().toString();
        if (text.length() > dataDir.length() + 1 && text.startsWith(dataDir)
                && text.charAt(dataDir.length()) == java.io.File.separatorChar && !text.contains(HIDDEN_SEGMENT)) {
            // a path the store built from the data folder and checked names (every read names its file this way)
            return text.substring(dataDir.length() + 1);
        }
        Path normalized = path.toAbsolutePath().normalize();
        return normalized.startsWith(layout.dataDir())
                ? layout.dataDir().relativize(normalized).toString()
                : normalized.toString();
    }

    private void requireExists(WorldKey key) {
        if (!exists(key)) {
            throw new WorldNotFoundException("world \"" + key.worldName() + "\" not found for user \"" + key.userId() + "\"");
        }
    }

    private <T> T withLock(WorldKey key, boolean write, Supplier<T> action) {
        ReentrantReadWriteLock lock = locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
        Lock held = write ? lock.writeLock() : lock.readLock();
        held.lock();
        try {
            return action.get();
        } finally {
            held.unlock();
        }
    }
}
