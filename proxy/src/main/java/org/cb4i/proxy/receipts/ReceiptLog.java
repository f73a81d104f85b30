package org.cb4i.proxy.receipts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;

/**
 * The proxy instance's append-only receipts log ([LOG-1] to [LOG-5]): framed entries in segments (the active
 * {@code entries.log}, sealed ones in {@link Segments}, which may move to an archive), one Merkle tree over them all, and
 * a signed checkpoint published every {@code checkpoint_interval} or {@code checkpoint_entries}.
 *
 * <p><b>Durability.</b> Entries are written by one writer thread in batches (group commit); a batch is forced
 * to disk before any of its entries is acknowledged, and a checkpoint only ever covers acknowledged entries, so a
 * crash never loses an entry a published checkpoint covers. Each record is {@code length (4 bytes) | CRC32C
 * (4 bytes) | entry}; on restart a torn tail (a partial or corrupt last record that no checkpoint covers) is
 * truncated with a message, and a log that holds fewer good entries than its last checkpoint covers refuses to open,
 * its file left as it is. An entry is handed out only when its CRC32C matches. A write or fsync error
 * fails the log for good ({@link #writable()} turns false; the proxy then answers 503 to licensed traffic rather
 * than serving it unmetered) — an fsync that failed is never retried (research/security.md LED-04).
 *
 * <p><b>Memory.</b> The heap holds no per-entry state but the Merkle tree's levels from {@link #TILE_FLOOR} up (a
 * quarter of a byte an entry); leaf hashes, file offsets and receipt ids are found through {@link EntryIndex}'s files,
 * and a receipt id carries its own reservation number ({@link ReceiptIds}). Ids written before that scheme are
 * kept in a small index in memory ({@link RidIndex}).
 *
 * <p>A file lock ({@code log.lock}) keeps a second process from writing the same log. Thread-safe.
 */
public final class ReceiptLog implements AutoCloseable {
    static final String ENTRIES = "entries.log";
    /** Locked by the process that writes the log. */
    static final String LOCK = "log.lock";
    static final String CHECKPOINT = "checkpoint.jwt";
    /** The highest receipt reservation number that may have been handed out, forced before it is reached. */
    static final String RESERVED = "rids.reserved";
    /**
     * Written by a clean close once the index files are forced: {@code entries.log}'s size, the entry count, the
     * highest reservation number and how many receipt ids of another form there are. The next open removes it first
     * thing and, when it matches, reads the tree from the index instead of reading every entry (a crash in between
     * leaves no marker, so the next open rebuilds).
     */
    static final String CLEAN = "index.clean";
    /** Receipt reservation numbers are reserved on disk this many at a time. */
    static final long RESERVATION_BLOCK = 1L << 20;
    /** The tree keeps levels from this one up in memory (tiles of 256 leaves); below it reads the entry index. */
    static final int TILE_FLOOR = 8;
    static final int MAX_ENTRY_BYTES = 64 * 1024;
    /**
     * At most one fsync per this interval: entries arriving meanwhile join the next batch. Acknowledgements are not
     * on any request's path (the response is already sent), so this trades nothing but a few milliseconds before an
     * entry is durable, and saves a wake-up and an fsync per entry under load.
     */
    static final long GROUP_COMMIT_NANOS = 5_000_000;

    private record Pending(String rid, byte[] entry, CompletableFuture<Long> done) {}

    /** A batch's leaf hashes, offsets and reservation numbers, handed to the index and the tree together. */
    static final class Staged {
        final byte[][] leaves;
        final long[] offsets;
        final long[] numbers;
        final long[] seqs;
        final String[] rids;
        int n;

        Staged(int capacity) {
            leaves = new byte[capacity][];
            offsets = new long[capacity];
            numbers = new long[capacity];
            seqs = new long[capacity];
            rids = new String[capacity];
        }
    }

    /** The active segment: its first entry, and the file its entries are appended to (replaced together when it is sealed). */
    record Active(long base, FileChannel channel) {}

    final Path dir;
    final SigningKey key;
    final Clock clock;
    private final Duration checkpointInterval;
    private final int checkpointEntries;
    private final Duration checkpointRefresh;
    final Consumer<String> events;
    volatile Active active;
    private final FileLock lock;
    final Segments segments;
    private final ProxyConfig.Segments segmentRules;
    /** When the active segment's first entry was written (null while it is empty). */
    volatile Instant activeSince;
    /** Entries of the active segment whose receipt ids are not {@link ReceiptIds}' (writer thread). */
    int activeOtherRids;
    private volatile java.util.Set<String> collectors = java.util.Set.of();
    private volatile String releaseFailure;
    private java.util.concurrent.ScheduledExecutorService retention;
    final EntryIndex index;
    final MerkleTree tree;
    final ReceiptIds ids;
    /** Receipt ids that are not {@link ReceiptIds}' (written before that scheme, or given by a caller). */
    private final RidIndex otherRids = new RidIndex();
    final java.util.concurrent.atomic.AtomicLong nextReservation = new java.util.concurrent.atomic.AtomicLong();
    /** Reservation numbers below this one are on record in {@link #RESERVED} as possibly handed out. */
    private volatile long reservedUpTo;
    /** The highest reservation number an entry holds (writer thread). */
    long highestNumber = -1;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    volatile Checkpoint checkpoint;
    private volatile String failure;
    private volatile boolean closing;
    private volatile boolean closed;
    long fileSize;
    /** Entries on disk that no published checkpoint covers yet (after a crash, the ones recovered past it). */
    long uncovered;
    /** A retired log ([LOG-6]): its final checkpoint is published, it takes no entries and signs nothing more. */
    volatile boolean retired;
    /** Set by {@link #closeRetiring}: the close signs the final checkpoint naming this successor. */
    private volatile String retiringTo;
    /** Test hook: thrown from the next write, as a full disk would. */
    volatile IOException injectedFault;
    /**
     * The most entries this process can index: the tree's levels above the floor take 64 / 2^{@link #TILE_FLOOR}
     * bytes an entry of heap, so a heap holds so many and no more (half the heap at half a byte an entry: about 270
     * million entries at 256 MiB, a log file of some 150 GB). Past that the log fails closed with a message, as when
     * the disk is full, rather than let the proxy run out of memory. A field so that tests can lower it.
     */
    volatile long capacity = Runtime.getRuntime().maxMemory();

    /** The log has as many entries as this heap can index. */
    static final class FullException extends IOException {
        FullException(String message) {
            super(message);
        }
    }

    ReceiptLog(ProxyConfig.LogSettings s, SigningKey key, Clock clock, Consumer<String> events, FileChannel channel, FileLock lock,
            EntryIndex index, Segments segments) {
        this.dir = s.dir();
        this.index = index;
        this.tree = MerkleTree.overStore(TILE_FLOOR, index);
        this.ids = new ReceiptIds(key);
        this.key = key;
        this.clock = clock;
        this.checkpointInterval = s.checkpointInterval();
        this.checkpointEntries = s.checkpointEntries();
        this.checkpointRefresh = s.checkpointRefresh();
        this.events = events;
        this.segments = segments;
        this.segmentRules = s.segments();
        this.active = new Active(segments.base(), channel);
        this.lock = lock;
        this.writer = new Thread(this::writeLoop, "cb4i-receipt-log");
        this.writer.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the log in {@code settings.dir()}, generating its key on first use, recovering
     * from a torn tail, and checking the entries against the last checkpoint.
     *
     * @param events receives one line per notable event (a truncated tail, a failure), for the operator
     * @throws IOException when the folder cannot be used, another process holds the log, or the log is corrupt
     */
    public static ReceiptLog open(ProxyConfig.LogSettings settings, Clock clock, Consumer<String> events) throws IOException {
        return LogRecovery.open(settings, clock, events, false);
    }

    /**
     * Opens a retired log ([LOG-6]) kept in {@code dir} ({@link LogRetirement}) to serve it: its entries, proofs and
     * final checkpoint stay readable, acknowledgements are kept and its sealed segments follow {@code rules}; it takes no
     * entries and signs nothing.
     *
     * @throws IOException when it cannot be read, is in use, or is not retired
     */
    public static ReceiptLog openRetired(Path dir, ProxyConfig.Segments rules, Clock clock, Consumer<String> events) throws IOException {
        return LogRecovery.open(new ProxyConfig.LogSettings(dir, dir.resolve(LogRetirement.KEY), Duration.ofSeconds(1), 1, Duration.ofMinutes(5), rules),
                clock, events, true);
    }

    /** Records durably that reservation numbers below {@code upTo} may be handed out, then lets them be. */
    void reserve(long upTo) throws IOException {
        AtomicFiles.write(dir.resolve(RESERVED), (upTo + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
        reservedUpTo = upTo;
    }

    /**
     * Adds staged entries to the index files, then to the tree (whose tiles read the index), and empties the stage.
     * Runs on the writer thread (or in recovery, before it starts).
     */
    void index(Staged s) throws IOException {
        long first = tree.size();
        for (int i = 0; i < s.n; i++) {
            s.seqs[i] = first + i;
            s.numbers[i] = ids.decode(s.rids[i]);
            highestNumber = Math.max(highestNumber, s.numbers[i]);
            if (s.numbers[i] < 0 && s.rids[i] != null && s.seqs[i] >= active.base) {
                activeOtherRids++;
            }
        }
        index.putEntries(first, s.leaves, s.offsets, s.n);
        index.putRids(s.numbers, s.seqs, s.n);
        synchronized (this) {
            for (int i = 0; i < s.n; i++) {
                tree.appendLeafHash(s.leaves[i]);
                if (s.numbers[i] < 0 && s.rids[i] != null) {
                    otherRids.put(s.rids[i], s.seqs[i]);
                }
            }
        }
        java.util.Arrays.fill(s.leaves, 0, s.n, null);
        java.util.Arrays.fill(s.rids, 0, s.n, null);
        s.n = 0;
    }

    /** Indexes receipt id {@code rid} of entry {@code seq} when it is not of {@link ReceiptIds}' form (recovery). */
    void noteOtherRid(String rid, long seq) {
        if (rid != null && ids.decode(rid) < 0) {
            synchronized (this) {
                otherRids.put(rid, seq);
            }
        }
    }

    /** Starts appending (after recovery), and releasing sealed segments when the rules say they leave the hot disk. */
    void startWriter() {
        if (!retired) {
            writer.start();
        }
        if (segmentRules.releases()) {
            retention = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cb4i-log-retention");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, segmentRules.retainEvery().toMillis());
            retention.scheduleWithFixedDelay(this::releaseQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The collectives whose collectors must acknowledge a sealed segment before it leaves the hot disk (those with a
     * collector key in the proxy's configuration).
     */
    public void collectors(java.util.Set<String> issuers) {
        collectors = java.util.Set.copyOf(issuers);
    }

    /**
     * Moves (or removes) the sealed segments that every collector has acknowledged or whose retention is over, per
     * {@code log.segments}; what it did goes to the events. Runs on its own thread every {@code retain_every}.
     *
     * @return how many segments left the hot disk
     */
    public int releaseNow() throws IOException {
        if (!segmentRules.releases()) {
            return 0;
        }
        synchronized (releasing) {
            return releaseDue();
        }
    }

    /** Held while segments are released (never the log's own lock: appends go on meanwhile). */
    private final Object releasing = new Object();

    private int releaseDue() throws IOException {
        int n = 0;
        for (Segments.Seal s : SegmentRetention.due(segments.list(), SegmentRetention.acknowledged(dir, collectors), collectors,
                segmentRules.retention(), clock.instant())) {
            // Each log archives into a folder of its own: a retired log's segments and its successor's have the same names.
            segments.release(s, segmentRules.archiveDir().map(a -> a.resolve(logId())));
            n++;
        }
        releaseFailure = null;
        return n;
    }

    private void releaseQuietly() {
        try {
            releaseNow();
        } catch (IOException | RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!why.equals(releaseFailure)) {
                events.accept("receipts log: a sealed segment could not leave the hot disk (tried again every " + segmentRules.retainEvery() + "): " + why);
            }
            releaseFailure = why;
        }
    }

    /** Why sealed segments could not be released the last time it was tried, if they could not. */
    public Optional<String> releaseFailure() {
        return Optional.ofNullable(releaseFailure);
    }

    /** The file the acknowledgement of collective {@code iss}'s collector is kept in ([SET-9]). */
    public Path ackFile(String iss) {
        return SegmentRetention.ackFile(dir, iss);
    }

    /** The log's sealed segments. */
    public Segments segments() {
        return segments;
    }

    /** The folder the log is kept in. */
    public Path dir() {
        return dir;
    }

    /**
     * Whether {@link #close()} published a checkpoint of every entry and marked the index clean, so that the next
     * start reads the tree from the index instead of every entry.
     */
    public boolean closedClean() {
        return closedClean;
    }

    private volatile boolean closedClean;

    /** The log id: the thumbprint of its key. */
    public String logId() {
        return key.thumbprint();
    }

    public SigningKey key() {
        return key;
    }

    /**
     * A new receipt id ([LOG-2]) for a response whose entry will be appended, or null when the log cannot take
     * one now (it failed or is closing, or more ids were asked for in a moment than are reserved on disk).
     */
    public String newRid() {
        if (!writable()) {
            return null;
        }
        long number = nextReservation.getAndIncrement();
        return number < reservedUpTo ? ids.encode(number) : null;
    }

    /** Whether entries can be appended (false after a write failure, once closing, and for a retired log). */
    public boolean writable() {
        return failure == null && !closing && !retired;
    }

    /** Whether the log is retired ([LOG-6]): its checkpoint is final and names its successor. */
    public boolean isRetired() {
        return retired;
    }

    /** Why the log failed, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Appends an entry. The future completes with its sequence number once it is on disk, or exceptionally when
     * the log cannot record it.
     */
    public CompletableFuture<Long> append(byte[] entry) {
        return append(LogEntry.ridOf(entry), entry);
    }

    /** As {@link #append(byte[])}, for a caller that knows the entry's receipt id (saves parsing it again). */
    public CompletableFuture<Long> append(String rid, byte[] entry) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (entry.length > MAX_ENTRY_BYTES) {
            f.completeExceptionally(new IOException("entry larger than " + MAX_ENTRY_BYTES + " bytes"));
        } else if (!writable()) {
            f.completeExceptionally(new IOException("receipts log unavailable: " + (failure == null ? "closing" : failure)));
        } else if (!queue.offer(new Pending(rid, entry, f))) {
            f.completeExceptionally(new IOException("receipts log queue is full"));
        }
        return f;
    }

    public synchronized long size() {
        return tree.size();
    }

    /** The latest published checkpoint, if any. */
    public Optional<Checkpoint> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /** The sequence number of the entry with receipt id {@code rid}. */
    public Optional<Long> indexOf(String rid) throws IOException {
        long number = ids.decode(rid);
        if (number >= 0) {
            long seq = index.entryOf(number);
            if (seq >= 0 && seq < active.base && !segments.readable(seq)) {
                return Optional.of(seq); // archived: the index was forced when the segment was sealed, and cannot be checked now
            }
            return seq >= 0 && seq < size() && rid.equals(LogEntry.ridOf(entry(seq))) ? Optional.of(seq) : Optional.empty();
        }
        List<Long> candidates = new ArrayList<>(1);
        synchronized (this) {
            otherRids.candidates(rid, candidates::add);
        }
        // Ids of another form (random ones from before, or a caller's): the index keeps their hashes, not the ids, so an
        // entry is the rid's when it says so itself. A rid logged twice answers with its latest entry.
        long found = -1;
        for (long seq : candidates) {
            if (seq > found && readable(seq) && rid.equals(LogEntry.ridOf(entry(seq)))) {
                found = seq;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of(found);
    }

    /** The exact bytes of entry {@code seq}. */
    public byte[] entry(long seq) throws IOException {
        long size = tree.size();
        if (seq < 0 || seq >= size) {
            throw new IllegalArgumentException("no entry " + seq + " in a log of " + size);
        }
        long off = index.offset(seq);
        Active a = active;
        return seq < a.base ? segments.read(seq, off) : Segments.readRecord(a.channel, off, seq, dir.resolve(ENTRIES));
    }

    /**
     * Entries {@code from} to {@code to - 1} (a page of the {@code entries} endpoint, [SET-8]), read a run at a time
     * instead of one read for each entry's offset, length and bytes, each checked as {@link #entry} checks it; an entry
     * whose segment is archived where it cannot be read is null.
     */
    public byte[][] entries(long from, long to) throws IOException {
        long size = tree.size();
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("no entries " + from + ".." + to + " in a log of " + size);
        }
        int n = (int) (to - from);
        long[] offsets = index.offsets(from, n);
        byte[][] out = new byte[n][];
        Active a = active;
        int i = 0;
        while (i < n) {
            long seq = from + i;
            if (seq >= a.base) {
                Segments.readRecords(a.channel, offsets, i, n, seq, dir.resolve(ENTRIES), out);
                break;
            }
            int end = (int) (Math.min(Math.min(segments.holding(seq).end(), a.base), to) - from);
            segments.readRun(seq, offsets, i, end, out);
            i = end;
        }
        return out;
    }

    /**
     * Whether entry {@code seq}'s bytes can be read: false when its segment has left the hot disk and the archive cannot
     * be read ({@code proofs} and {@code entries} then say {@code archived}; its leaf hash and proofs still hold).
     */
    public boolean readable(long seq) {
        return seq >= active.base || segments.readable(seq);
    }

    /** The leaf hash of entry {@code seq} (from the index on the hot disk: there even when the entry is archived). */
    public byte[] leafHash(long seq) {
        byte[] out = new byte[32];
        index.read(seq, 1, out);
        return out;
    }

    public MerkleTree tree() {
        return tree;
    }

    private void writeLoop() {
        // A restart after a long stop re-signs the checkpoint at once: its time then says the log holds nothing newer.
        Checkpoint last = checkpoint;
        Instant lastCheckpoint = last != null ? last.time() : clock.instant();
        long sinceCheckpoint = uncovered;
        long lastFlush = 0;
        List<Pending> batch = new ArrayList<>();
        Staged staged = new Staged(16384);
        while (true) {
            try {
                if (failure == null && nextReservation.get() > reservedUpTo - RESERVATION_BLOCK / 2) {
                    reserve(reservedUpTo + RESERVATION_BLOCK);
                }
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first != null) {
                    long wait = lastFlush + GROUP_COMMIT_NANOS - System.nanoTime();
                    if (wait > 0 && !closing) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    batch.add(first);
                    queue.drainTo(batch, 16383);
                    writeBatch(batch, staged);
                    lastFlush = System.nanoTime();
                    sinceCheckpoint += batch.size();
                    batch.clear();
                }
                boolean due = sinceCheckpoint > 0 && (sinceCheckpoint >= checkpointEntries
                        || !clock.instant().isBefore(lastCheckpoint.plus(checkpointInterval)));
                // [LOG-3]: with nothing new, the checkpoint is signed again now and then, so that its time says how
                // recently the log was known to hold nothing more (a collector closing a month needs that).
                boolean refresh = !clock.instant().isBefore(lastCheckpoint.plus(checkpointRefresh)) && !closing;
                if (refresh && !due && failure == null) {
                    publishCheckpoint();
                    lastCheckpoint = clock.instant();
                }
                if (due && failure == null) {
                    publishCheckpoint();
                    lastCheckpoint = clock.instant();
                    sinceCheckpoint = 0;
                }
                if (failure == null && !closing && sealDue()) {
                    if (sinceCheckpoint > 0) {
                        publishCheckpoint(); // a sealed segment is covered by a checkpoint
                        lastCheckpoint = clock.instant();
                        sinceCheckpoint = 0;
                    }
                    seal();
                }
                if (closing && queue.isEmpty()) {
                    if (sinceCheckpoint > 0 && failure == null) {
                        publishCheckpoint();
                    }
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                if (e instanceof FullException && sinceCheckpoint > 0) {
                    try {
                        publishCheckpoint(); // every receipt handed out is covered before the log stops
                        sinceCheckpoint = 0;
                    } catch (IOException | RuntimeException ignored) {
                        // the failure reported below is the one the operator needs
                    }
                }
                fail(e, batch);
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending> batch, Staged staged) throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
        if (tree.size() + batch.size() > capacity) {
            throw new FullException("the receipts log is full: it holds " + tree.size() + " entries, as many as a heap of "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB can index; give the proxy a larger heap (-Xmx), "
                    + "or stop it and move " + dir + " aside to start a new log (the old one stays readable on disk)");
        }
        int total = 0;
        for (Pending p : batch) {
            total += 8 + p.entry().length;
        }
        if (fileSize == 0) {
            activeSince = clock.instant();
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (Pending p : batch) {
            CRC32C c = new CRC32C();
            c.update(p.entry());
            buf.putInt(p.entry().length).putInt((int) c.getValue()).put(p.entry());
        }
        buf.flip();
        IOException fault = injectedFault;
        if (fault != null) {
            throw fault;
        }
        FileChannel channel = active.channel;
        EntryIndex.writeFully(channel, buf, fileSize);
        channel.force(false);
        long offset = fileSize;
        for (Pending p : batch) {
            int i = staged.n++;
            staged.leaves[i] = MerkleTree.leafHash(p.entry());
            staged.offsets[i] = offset;
            staged.rids[i] = p.rid();
            offset += 8 + p.entry().length;
        }
        fileSize = offset;
        index(staged);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(tree.size() - batch.size() + i);
        }
    }

    /** Whether the active segment is as large or as old as {@code log.segments} lets one be. */
    private boolean sealDue() {
        Instant since = activeSince;
        return tree.size() > active.base
                && (fileSize >= segmentRules.maxBytes() || since != null && !clock.instant().isBefore(since.plus(segmentRules.maxAge())));
    }

    /**
     * Seals the active segment ({@link Segments}): the index forced (the leaf hashes of a sealed segment are never
     * rebuilt from its entries, which may leave the disk), the segment named in a seal with the checkpoint that covers
     * it, and a new active segment begun. Writer thread; every entry is acknowledged and checkpointed.
     */
    private void seal() throws IOException {
        Checkpoint cp = checkpoint;
        long end = tree.size();
        if (cp == null || cp.size() != end) {
            throw new IllegalStateException("sealing a segment no checkpoint covers");
        }
        index.force();
        Active a = active;
        segments.seal(a.base, end, fileSize, java.util.HexFormat.of().formatHex(cp.root()), cp.compact(), activeOtherRids, clock.instant(), a.channel);
        FileChannel fresh = FileChannel.open(dir.resolve(ENTRIES), java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE);
        AtomicFiles.forceDirectory(dir);
        active = new Active(end, fresh);
        fileSize = 0;
        activeSince = null;
        activeOtherRids = 0;
    }

    private void publishCheckpoint() throws IOException {
        long size;
        byte[] root;
        synchronized (this) {
            size = tree.size();
            root = tree.root(size);
        }
        Checkpoint cp = Checkpoint.sign(key, size, root, clock.instant());
        AtomicFiles.write(dir.resolve(CHECKPOINT), (cp.compact() + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
        checkpoint = cp;
    }

    private void fail(Exception e, List<Pending> batch) {
        if (failure == null) {
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            events.accept("receipts log FAILED (licensed traffic now answers 503 LOG_UNAVAILABLE): " + failure);
            try {
                // Whatever part of the batch reached the file is not acknowledged; cut it off so the file stays clean.
                active.channel.truncate(fileSize);
            } catch (IOException ignored) {
                // the log is already failed; restart recovery truncates any torn tail
            }
        }
        for (Pending p : batch) {
            p.done().completeExceptionally(new IOException("receipts log unavailable: " + failure));
        }
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending p : rest) {
            p.done().completeExceptionally(new IOException("receipts log unavailable: " + failure));
        }
    }

    /**
     * Closes the log as its last close ([LOG-6]): what is queued is written, then the final checkpoint, covering every
     * entry and naming {@code successor}, is signed and published in place of the last one. Only {@link LogRetirement}
     * calls it, once it has recorded its plan.
     *
     * @return the final checkpoint
     * @throws IOException when the log failed or could not publish it (it is then closed, not retired)
     */
    Checkpoint closeRetiring(String successor) throws IOException {
        retiringTo = successor;
        close();
        Checkpoint cp = checkpoint;
        if (cp == null || !cp.isFinal()) {
            throw new IOException("the receipts log in " + dir + " could not sign its final checkpoint" + (failure == null ? "" : ": " + failure));
        }
        return cp;
    }

    /**
     * Writes what is queued, publishes a final checkpoint and releases the log; when all of that went well, forces the
     * index files and marks them clean, so that the next open need not read every entry.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        if (retention != null) {
            retention.shutdownNow();
            try {
                retention.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Checkpoint cp = checkpoint;
            if (retiringTo != null && !writer.isAlive() && failure == null && (cp == null ? 0 : cp.size()) == tree.size()) {
                long size = tree.size();
                cp = Checkpoint.signFinal(key, size, tree.root(size), clock.instant(), retiringTo);
                AtomicFiles.write(dir.resolve(CHECKPOINT), (cp.compact() + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
                checkpoint = cp;
            }
            if (!writer.isAlive() && failure == null && cp != null && cp.size() == tree.size()) {
                index.force();
                AtomicFiles.write(dir.resolve(CLEAN), (fileSize + " " + tree.size() + " " + highestNumber + " " + otherRids.size() + "\n")
                        .getBytes(StandardCharsets.US_ASCII), false, true);
                closedClean = true;
            }
        } catch (IOException e) {
            events.accept("receipts log: could not mark its index clean (" + e.getMessage() + "); the next start reads every entry");
        }
        try {
            lock.release();
        } finally {
            try {
                lock.channel().close();
                active.channel.close();
            } finally {
                try {
                    index.close();
                } finally {
                    segments.close();
                }
            }
        }
    }
}
