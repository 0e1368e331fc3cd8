package io.distill4j.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Create-if-absent, read, replace and move of the small files locks and leases are made of.
 *
 * <p>On local disks this goes through java.nio ({@code O_EXCL} create, {@code rename(2)}):
 * Hadoop's local file system checks for existence and then creates, which two processes can
 * both pass. On HDFS {@code create(overwrite=false)} and {@code rename} are atomic at the
 * NameNode. On S3A neither is (a HEAD then a PUT; a copy then a delete): see docs/faults.md.
 */
final class SmallFiles {
    private SmallFiles() {}

    static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static java.nio.file.Path local(FileSystem fs, Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    /** Creates {@code file} with {@code bytes} unless it exists; false when it existed. */
    static boolean createNew(FileSystem fs, Path file, byte[] bytes) throws IOException {
        if (isLocal(fs)) {
            java.nio.file.Path p = local(fs, file);
            Files.createDirectories(p.getParent());
            try {
                Files.write(
                        p, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(bytes);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    static void replace(FileSystem fs, Path file, byte[] bytes) throws IOException {
        if (isLocal(fs)) {
            Files.write(local(fs, file), bytes);
            return;
        }
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    static Optional<byte[]> read(FileSystem fs, Path file) {
        try {
            if (isLocal(fs)) return Optional.of(Files.readAllBytes(local(fs, file)));
            try (FSDataInputStream in = fs.open(file)) {
                return Optional.of(in.readAllBytes());
            }
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Last modification time in ms, or -1 when the file is gone. */
    static long modified(FileSystem fs, Path file) throws IOException {
        try {
            return isLocal(fs)
                    ? Files.getLastModifiedTime(local(fs, file)).toMillis()
                    : fs.getFileStatus(file).getModificationTime();
        } catch (NoSuchFileException | FileNotFoundException e) {
            return -1;
        }
    }

    /** Moves {@code from} to the new name {@code to}; false when {@code from} was gone. */
    static boolean move(FileSystem fs, Path from, Path to) throws IOException {
        if (isLocal(fs)) {
            try {
                Files.move(local(fs, from), local(fs, to), StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        return fs.exists(from) && fs.rename(from, to);
    }

    static void delete(FileSystem fs, Path file) throws IOException {
        if (isLocal(fs)) Files.deleteIfExists(local(fs, file));
        else fs.delete(file, false);
    }
}
