package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The result of translating rules between the neutral model and an engine, with the report of everything
 * that could not be carried across. Nothing is dropped silently: every difference is a {@link Loss}.
 *
 * @param value the translated rules
 * @param losses what could not be carried across exactly (empty for an exact translation)
 * @param <T> the type of the translated rules
 */
public record Translation<T>(T value, List<Loss> losses) {
    /** Copies the loss list. */
    public Translation {
        requireNonNull(value, "value");
        losses = List.copyOf(losses);
    }

    /** True when the translation carried everything across. */
    public boolean isExact() {
        return losses.isEmpty();
    }

    /** The value, or a {@link LossyTranslationException} listing the losses when there are any (strict mode). */
    public T requireExact() {
        if (!losses.isEmpty()) {
            throw new LossyTranslationException(losses);
        }
        return value;
    }
}
