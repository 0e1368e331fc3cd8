package io.distill4j.jobs;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * Spark's Kryo set-up: ND4J's registrator (DL4J ships INDArrays through Spark) plus Java
 * serialization for Java records. Spark's Kryo 4 builds a FieldSerializer for records and fails
 * ("can't get field offset on a record class"); every distill4j record is {@link java.io.Serializable},
 * and a default serializer on {@link Record} covers them all, present and future.
 */
public class Distill4jKryoRegistrator extends Nd4jRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
