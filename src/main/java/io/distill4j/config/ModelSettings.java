package io.distill4j.config;

import io.distill4j.model.Backbones;
import java.util.Optional;
import java.util.TreeSet;

/** Architectures of the teacher and the student networks. */
public record ModelSettings(Net teacher, Net student) {
    /**
     * One network: its backbone (by {@link Backbones} name), the compact backbone's width (base
     * channels) and depth (blocks per stage), the output stride, and where a torchvision
     * backbone's pretrained weights come from (an ONNX file; empty: random initialisation).
     */
    public record Net(int width, int depth, int outputStride, String backbone, Optional<String> init) {
        public Net(int width, int depth, int outputStride) {
            this(width, depth, outputStride, Backbones.defaultId(), Optional.empty());
        }

        static Net from(Keys k, String role) {
            String prefix = "distill4j.model." + role + ".";
            String backbone = k.nonEmpty("backbone").trim().toLowerCase(java.util.Locale.ROOT);
            if (!Backbones.exists(backbone))
                throw new ConfigException(prefix + "backbone: must be one of " + String.join(", ", Backbones.ids())
                        + " (or mobilenetv2-<width_mult>), got '" + backbone + "'");
            int stride = k.intIn("output-stride", 4, 32);
            TreeSet<Integer> strides = new TreeSet<>(Backbones.of(backbone).outputStrides());
            if (!strides.contains(stride))
                throw new ConfigException(prefix + "output-stride: must be one of " + strides + " for backbone "
                        + backbone + ", got " + stride);
            String init = k.string("init").trim();
            if (!init.isEmpty() && Backbones.defaultId().equals(backbone))
                throw new ConfigException(prefix + "init: the " + backbone + " backbone has no pretrained weights; set "
                        + prefix
                        + "backbone to a torchvision one ("
                        + String.join(
                                ", ", Backbones.ids().subList(1, Backbones.ids().size())) + ") or init = \"\"");
            return new Net(
                    k.intIn("width", 4, 1024),
                    k.intIn("depth", 1, 16),
                    stride,
                    backbone,
                    init.isEmpty() ? Optional.empty() : Optional.of(init));
        }
    }

    static ModelSettings from(Keys k) {
        return new ModelSettings(Net.from(k.child("teacher"), "teacher"), Net.from(k.child("student"), "student"));
    }
}
