package io.cachestarter.matrix;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Makes a test method a row of the capability matrix: it runs once on every {@link Topology}, which it receives as
 * its parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "on {0}")
@MethodSource("io.cachestarter.matrix.Topology#all")
@interface EveryTopology {

}
