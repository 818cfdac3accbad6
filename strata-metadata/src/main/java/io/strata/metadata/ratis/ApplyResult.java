package io.strata.metadata.ratis;

import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The state machine's reply to the proposer of an entry: applied, or rejected with the reason of the conflict.
 * Encoded as one status byte followed by the UTF-8 reason.
 */
public record ApplyResult(boolean applied, String reason) {

    private static final byte APPLIED = 0;
    private static final byte REJECTED = 1;

    public static final ApplyResult OK = new ApplyResult(true, "");

    public static ApplyResult rejected(String reason) {
        return new ApplyResult(false, reason == null ? "" : reason);
    }

    public Message toMessage() {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[1 + text.length];
        bytes[0] = applied ? APPLIED : REJECTED;
        System.arraycopy(text, 0, bytes, 1, text.length);
        return Message.valueOf(ByteString.copyFrom(bytes));
    }

    public static ApplyResult parse(ByteString content) {
        if (content.isEmpty()) {
            return rejected("empty reply");
        }
        boolean applied = content.byteAt(0) == APPLIED;
        return new ApplyResult(applied, content.substring(1).toStringUtf8());
    }
}
