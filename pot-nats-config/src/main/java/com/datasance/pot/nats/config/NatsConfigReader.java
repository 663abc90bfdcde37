package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.api.ServerFacts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads NATS server config files as nats-server 2.9.10 does ({@code conf/lex.go}, {@code
 * conf/parse.go}): every separator and comment style, quoted, raw and block strings, sizes,
 * booleans, datetimes, nested maps and arrays, {@code include} (relative to the including file),
 * and {@code $VARIABLE} references (enclosing maps first, then {@code environment}).
 *
 * <p>Stateless and thread-safe. Every method reads the files again, so calling it after a change
 * gives the new include set. No input makes it throw anything but {@link ConfigException}: nesting
 * deeper than 1000 levels, includes deeper than 64 files or in a cycle, and variable expansions
 * beyond 20 million values are refused with a position.
 */
public final class NatsConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConfigReader.class);

    private NatsConfigReader() {}

    /**
     * Parses {@code file} and everything it includes.
     *
     * @param file the config file; symlinks are followed, includes resolve against its directory
     * @param environment where {@code $VARIABLE}s not defined in the config are looked up; pass the
     *     environment nats-server will run with (usually {@code System.getenv()})
     * @throws ConfigException when the file cannot be read or parsed; the message starts with
     *     {@code FILE:LINE:COL:}
     * @return the parsed document, with every include read
     */
    public static ConfigDocument read(Path file, Map<String, String> environment) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(environment, "environment");
        Origin start = Origin.of(file, 1, 1);
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException | SecurityException e) {
            throw new ConfigException(start, "cannot read the config file: " + Parser.describe(e));
        }
        String text = Parser.readConfigFile(file, real, start);
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = file.getParent();
        Path baseDir = absolute.getParent();
        Parser.Session session = new Parser.Session(environment, baseDir);
        session.bytesRead = text.length();
        session.includeChain.push(real);
        Parser parser =
                new Parser(file.toString(), text, parent == null ? Path.of("") : parent, Optional.empty(), session);
        ConfigDocument document = new ConfigDocument(Optional.of(absolute), baseDir, parser.parse(), session.includes);
        LOG.debug(
                "read {}: {} top-level keys, {} included files",
                absolute,
                document.root().entries().size(),
                document.includes().size());
        return document;
    }

    /**
     * Parses in-memory text, named {@code <string>} in origins. Includes and relative paths resolve
     * against {@code baseDir}.
     *
     * @param text the config text
     * @param baseDir where includes and relative paths resolve; made absolute
     * @param environment where {@code $VARIABLE}s not defined in the text are looked up
     * @return the parsed document, with no {@link ConfigDocument#file()}
     * @throws ConfigException when the text or an include cannot be parsed; the message starts
     *     with {@code <string>:LINE:COL:} (or the include's position)
     */
    public static ConfigDocument parse(String text, Path baseDir, Map<String, String> environment)
            throws ConfigException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(environment, "environment");
        Path base = baseDir.toAbsolutePath().normalize();
        Parser.Session session = new Parser.Session(environment, base);
        Parser parser = new Parser(Origin.IN_MEMORY, text, base, Optional.empty(), session);
        return new ConfigDocument(Optional.empty(), base, parser.parse(), session.includes);
    }

    /**
     * Reads {@code file} and interprets it as nats-server would: JetStream and its store
     * directory, referenced files, system account, operator mode, resolver. This is what {@code
     * pot-nats store-dir --config FILE} prints: {@code readServerConfig(file, env).jetStreamDir()}.
     *
     * @param file the nats-server config file
     * @param environment for {@code $VAR} references and {@code TMPDIR}
     * @return the interpreted config
     * @throws ConfigException as {@link #read} does, and for values of the wrong type or form in
     *     the settings interpreted
     */
    public static ServerConfig readServerConfig(Path file, Map<String, String> environment) throws ConfigException {
        return ServerConfig.of(read(file, environment), environment);
    }

    /**
     * Reads {@code file} and returns what the purge module needs from it ({@link
     * ServerConfig#facts()}): the entry point for a tool that purges from a config file.
     *
     * @param file the nats-server config file
     * @param environment for {@code $VAR} references and {@code TMPDIR}
     * @return the config's facts
     * @throws ConfigException as {@link #readServerConfig}
     */
    public static ServerFacts readServerFacts(Path file, Map<String, String> environment) throws ConfigException {
        return readServerConfig(file, environment).facts();
    }
}
