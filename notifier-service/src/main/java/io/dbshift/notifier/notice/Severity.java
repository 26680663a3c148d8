package io.dbshift.notifier.notice;

/** How much a notice asks for attention; channels render it (an emoji, a subject tag). */
public enum Severity {
    INFO,
    SUCCESS,
    WARNING,
    ERROR
}
