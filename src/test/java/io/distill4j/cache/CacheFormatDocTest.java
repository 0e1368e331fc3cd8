package io.distill4j.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.onnx.export.PythonInterpreters;
import io.distill4j.tensor.EncodedTensor;
import io.distill4j.tensor.TensorCodecs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numpy decoder printed in docs/cache-format.md, run as printed, on rows read back from a real
 * cache Parquet file of every codec: its tensors must equal distill4j's own decoders bit for bit.
 * The Parquet fields go to Python as JSON because pyarrow is not packaged for Debian; the decoding
 * of the bytes is what the page documents and what this test holds it to.
 */
class CacheFormatDocTest {
    private static final Path DOC = Path.of("docs", "cache-format.md");

    @TempDir
    Path tmp;

    @Test
    void theDocsNumpyDecoderEqualsTheJavaDecodersBitForBitOnEveryCodec() throws Exception {
        Optional<String> python = PythonInterpreters.withModule("numpy");
        assumeTrue(python.isPresent(), "no python3 with numpy here: the doc's decoder cannot be run");

        Random rnd = new Random(11);
        List<CacheRow> written = new ArrayList<>();
        for (int channels : new int[] {19, 300}) {
            int[] shape = {channels, 6, 10};
            float[] logits = new float[channels * 60];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextGaussian() * 4);
            for (String codec : List.of("fp32", "fp16", "int8", "topk:4")) {
                EncodedTensor e = TensorCodecs.forSpec(codec).encode(logits, shape);
                written.add(new CacheRow("s-" + channels + "-" + codec, "logits", "identity", e));
            }
        }
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path file =
                new org.apache.hadoop.fs.Path(tmp.resolve("part-00000.parquet").toUri());
        CacheParquet.writeAtomically(FileSystem.getLocal(conf), conf, file, written, CompressionCodecName.ZSTD);
        List<CacheRow> rows = CacheParquet.read(conf, file);
        assertEquals(written.size(), rows.size());

        ObjectMapper json = new ObjectMapper();
        ArrayNode cases = json.createArrayNode();
        Base64.Encoder b64 = Base64.getEncoder();
        for (CacheRow r : rows) {
            EncodedTensor t = r.tensor();
            ObjectNode row = cases.addObject();
            row.put("sample_id", r.sampleId()).put("codec", t.codec());
            ArrayNode shape = row.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            row.put("data", b64.encodeToString(t.data()));
            if (t.scale() != null) {
                ArrayNode scale = row.putArray("scale");
                for (float s : t.scale()) scale.add(s);
            }
            if (t.topkIdx() != null) row.put("topk_idx", b64.encodeToString(t.topkIdx()));
            float[] expected = TensorCodecs.forSpec(t.codec()).decode(t);
            ByteBuffer bytes = ByteBuffer.allocate(expected.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : expected) bytes.putFloat(v);
            row.put("java", b64.encodeToString(bytes.array()));
        }
        Path casesFile = tmp.resolve("rows.json");
        json.writeValue(casesFile.toFile(), cases);
        Path decoder = Files.writeString(tmp.resolve("decode.py"), docsDecoder());
        Path check = Files.writeString(
                tmp.resolve("check.py"),
                """
                import base64, json, runpy, sys
                import numpy as np
                decode = runpy.run_path(sys.argv[1])["decode"]
                bad = []
                for c in json.load(open(sys.argv[2])):
                    row = dict(c)
                    row["data"] = base64.b64decode(c["data"])
                    if "topk_idx" in c:
                        row["topk_idx"] = base64.b64decode(c["topk_idx"])
                    got = np.ascontiguousarray(decode(row), dtype=np.float32).reshape(-1)
                    want = np.frombuffer(base64.b64decode(c["java"]), "<f4")
                    if got.shape != want.shape or not np.array_equal(got.view(np.uint32), want.view(np.uint32)):
                        bad.append(c["sample_id"])
                print("decoded", len(json.load(open(sys.argv[2]))), "rows; differing:", bad)
                sys.exit(1 if bad else 0)
                """);
        Process p = new ProcessBuilder(python.get(), check.toString(), decoder.toString(), casesFile.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertEquals("decoded 8 rows; differing: []", out.strip());
    }

    /** The first python block after the "Reading a row with numpy" heading of docs/cache-format.md. */
    private static String docsDecoder() throws Exception {
        String doc = Files.readString(DOC);
        int heading = doc.indexOf("## Reading a row with numpy");
        assertEquals(true, heading >= 0, DOC + " has no 'Reading a row with numpy' section");
        Matcher m = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertEquals(true, m.find(heading), DOC + ": no python block after the heading");
        return m.group(1);
    }
}
