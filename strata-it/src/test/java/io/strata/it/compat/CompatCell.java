package io.strata.it.compat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test as the proof of one cell of the compatibility matrix: {@link CompatibilityMatrixIT} fails when a
 * cell that {@code docs/compatibility.md} marks as working has no such test, or when a test proves a cell the
 * document does not mark as working.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(CompatCell.List.class)
public @interface CompatCell {

    Client client();

    Feature feature();

    /** Container for repeated {@link CompatCell}s. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface List {
        CompatCell[] value();
    }
}
