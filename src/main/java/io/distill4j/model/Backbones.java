package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The backbones a configuration can name ({@code model.student.backbone}): the one place that lists them. */
public final class Backbones {

    private static final Map<String, Supplier<Backbone>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(CompactBackbone.ID, CompactBackbone::new);
        REGISTRY.put("resnet18", ResNetBackbone::resnet18);
        REGISTRY.put("resnet34", ResNetBackbone::resnet34);
        REGISTRY.put("resnet50", ResNetBackbone::resnet50);
        REGISTRY.put("mobilenetv2", () -> new MobileNetV2Backbone("mobilenetv2", 1.0));
    }

    /** A MobileNetV2 of another width_mult (torchvision's option), named {@code mobilenetv2-<w>}. */
    private static final String MOBILENET_WIDTH_PREFIX = "mobilenetv2-";

    private Backbones() {}

    /** The default: distill4j's own compact encoder. */
    public static String defaultId() {
        return CompactBackbone.ID;
    }

    /** Every registered name. */
    public static List<String> ids() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** Whether {@code id} names a backbone (a registered one or {@code mobilenetv2-<width_mult>}). */
    public static boolean exists(String id) {
        try {
            of(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The backbone called {@code id}. */
    public static Backbone of(String id) {
        Supplier<Backbone> b = REGISTRY.get(id);
        if (b != null) return b.get();
        if (id != null && id.startsWith(MOBILENET_WIDTH_PREFIX)) {
            try {
                double w = Double.parseDouble(id.substring(MOBILENET_WIDTH_PREFIX.length()));
                if (w > 0 && w <= 4) return new MobileNetV2Backbone(id, w);
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown backbone '" + id + "'; known: " + String.join(", ", ids())
                + " (and " + MOBILENET_WIDTH_PREFIX + "<width_mult>)");
    }
}
