package io.distill4j.config;

/** Sizes of the teacher and the student networks. */
public record ModelSettings(Net teacher, Net student) {
    /** Width (base channels), depth (blocks per stage) and output stride of one network. */
    public record Net(int width, int depth, int outputStride) {
        static Net from(Keys k) {
            int stride = k.intIn("output-stride", 4, 8);
            if (stride != 4 && stride != 8) throw new ConfigException(
                    "distill4j.model.*.output-stride: must be 4 or 8, got " + stride);
            return new Net(k.intIn("width", 4, 1024), k.intIn("depth", 1, 16), stride);
        }
    }

    static ModelSettings from(Keys k) {
        return new ModelSettings(Net.from(k.child("teacher")), Net.from(k.child("student")));
    }
}
