package io.breakerbridge.model;

import java.util.List;
import java.util.stream.Collectors;

/** Strict mode refused a translation that could not carry everything across; the losses say what. */
public final class LossyTranslationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<Loss> losses;

    /** Creates the error listing {@code losses}. */
    public LossyTranslationException(List<Loss> losses) {
        super("translation is not exact (" + losses.size() + " loss" + (losses.size() == 1 ? "" : "es") + "): "
              + losses.stream().map(Loss::toString).collect(Collectors.joining("; ")));
        this.losses = List.copyOf(losses);
    }

    /** What could not be carried across. */
    public List<Loss> losses() {
        return losses;
    }
}
