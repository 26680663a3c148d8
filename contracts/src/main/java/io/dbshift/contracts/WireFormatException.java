package io.dbshift.contracts;

/** A message that cannot be read at all: it goes to the dead-letter topic with this reason. */
public class WireFormatException extends RuntimeException {
    public WireFormatException(String message) {
        super(message);
    }
}
