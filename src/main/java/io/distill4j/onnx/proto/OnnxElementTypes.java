package io.distill4j.onnx.proto;

import org.nd4j.shade.protobuf.Descriptors;
import org.nd4j.shade.protobuf.Message;

/**
 * ONNX element types (TensorProto.DataType numbers) read and written through protobuf reflection.
 * Why not the generated setters: nd4j-api 1.0.0-M2 generates {@code data_type} and
 * {@code elem_type} as an enum, M2.1 (the {@code cuda} profile) as an int, so no direct call
 * compiles against both.
 */
public final class OnnxElementTypes {
    /** TensorProto.DataType.FLOAT. */
    public static final int FLOAT = 1;
    /** TensorProto.DataType.INT64. */
    public static final int INT64 = 7;

    private OnnxElementTypes() {}

    /** Sets the element-type field {@code field} ("data_type", "elem_type") of a builder. */
    public static <B extends Message.Builder> B set(B builder, String field, int type) {
        Descriptors.FieldDescriptor fd = builder.getDescriptorForType().findFieldByName(field);
        builder.setField(
                fd,
                fd.getJavaType() == Descriptors.FieldDescriptor.JavaType.ENUM
                        ? fd.getEnumType().findValueByNumber(type)
                        : Integer.valueOf(type));
        return builder;
    }

    /** The element-type number in field {@code field} of a message. */
    public static int get(Message message, String field) {
        Object v = message.getField(message.getDescriptorForType().findFieldByName(field));
        return v instanceof Descriptors.EnumValueDescriptor e ? e.getNumber() : ((Number) v).intValue();
    }
}
