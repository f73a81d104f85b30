package org.cb4i.valuation.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;

/**
 * The evaluation set: a plain UTF-8 text file, or every regular file under a folder (in path order; hidden files
 * skipped), each read as {@link Paragraphs} and scored as one text.
 */
public final class EvaluationSet {
    /** One evaluation file, normalised. */
    public record Text(Path path, List<String> paragraphs, byte[] utf8) {
        public Text {
            paragraphs = List.copyOf(paragraphs);
        }
    }

    private final Path source;
    private final List<Text> texts;

    private EvaluationSet(Path source, List<Text> texts) {
        this.source = source;
        this.texts = List.copyOf(texts);
    }

    /**
     * Reads the evaluation set.
     *
     * @throws NoSuchFileException when {@code fileOrDir} does not exist
     * @throws MalformedInputException naming the file and byte offset of the first invalid UTF-8
     * @throws IllegalArgumentException when the set holds no text at all
     */
    public static EvaluationSet read(Path fileOrDir) throws IOException {
        if (!Files.exists(fileOrDir)) {
            throw new NoSuchFileException(fileOrDir.toString(), null, "no evaluation set (a UTF-8 text file, or a folder of them)");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.walk(fileOrDir)) {
                s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
            }
        } else {
            files.add(fileOrDir);
        }
        List<Text> texts = new ArrayList<>();
        for (Path f : files) {
            List<String> paragraphs = Paragraphs.of(utf8(f));
            if (!paragraphs.isEmpty()) {
                texts.add(new Text(f, paragraphs, String.join("\n", paragraphs).getBytes(StandardCharsets.UTF_8)));
            }
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("--eval " + fileOrDir + ": " + (files.isEmpty() ? "no files" : files.size() + " file"
                    + (files.size() == 1 ? "" : "s") + " but no text") + "; the evaluation set is the text a model is scored on, and it is empty");
        }
        return new EvaluationSet(fileOrDir, texts);
    }

    public Path source() {
        return source;
    }

    public List<Text> texts() {
        return texts;
    }

    /** The bytes scored: the normalised texts' UTF-8 length. */
    public long bytes() {
        return texts.stream().mapToLong(t -> t.utf8().length).sum();
    }

    private static String utf8(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            ByteBuffer in = ByteBuffer.wrap(b);
            var d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            d.decode(in, java.nio.CharBuffer.allocate(b.length + 1), true); // stops where the bytes stop being UTF-8
            throw new MalformedInputException(Reason.MALFORMED_CONTENT, f + ": byte " + in.position() + ": not UTF-8; the evaluation set is plain UTF-8 text");
        }
    }
}
