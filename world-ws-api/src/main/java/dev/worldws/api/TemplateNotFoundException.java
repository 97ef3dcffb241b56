package dev.worldws.api;

/** No template of that name exists. */
public final class TemplateNotFoundException extends WorldWsException {
    public TemplateNotFoundException(String message) {
        super("template_not_found", message);
    }

    public TemplateNotFoundException(String message, Throwable cause) {
        super("template_not_found", message, cause);
    }
}
