package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.ListMembers;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RefreshSignIn;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;

/**
 * Turns one client frame, a JSON envelope {@code {"event": NAME, "data": {...}}}, into a command. Every way a
 * frame can be wrong gets its own error code. Unknown fields are ignored so clients can be newer than the server.
 * Thread-safe.
 */
public final class CommandDecoder {
    public static final int MAX_REF_LENGTH = 128;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** @throws RejectedCommandException when the frame is not a valid command */
    public ClientCommand decode(String frame) {
        JsonNode root;
        try {
            root = mapper.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new RejectedCommandException(ErrorCode.MALFORMED_JSON, "frame is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new RejectedCommandException(
                    ErrorCode.INVALID_ENVELOPE, "frame must be a JSON object {\"event\": ..., \"data\": {...}}", null);
        }
        JsonNode data = root.path("data");
        if (!data.isMissingNode() && !data.isObject()) {
            throw new RejectedCommandException(ErrorCode.INVALID_ENVELOPE, "\"data\" must be a JSON object", null);
        }
        String ref = ref(data);
        JsonNode event = root.path("event");
        if (!event.isTextual()) {
            throw new RejectedCommandException(ErrorCode.INVALID_ENVELOPE, "\"event\" must be a string", ref);
        }
        try {
            return switch (event.textValue()) {
                case EventNames.MESSAGE ->
                    new SendMessage(optionalRoom(data, ref), requiredString(data, "text", ref), ref);
                case EventNames.JOIN -> new JoinRoom(RoomName.of(requiredString(data, "room", ref)), ref);
                case EventNames.LEAVE -> new LeaveRoom(RoomName.of(requiredString(data, "room", ref)), ref);
                case EventNames.REFRESH -> new RefreshSignIn(requiredString(data, "token", ref), ref);
                case EventNames.MEMBERS ->
                    new ListMembers(
                            RoomName.of(requiredString(data, "room", ref)),
                            optionalNickname(data, "after", ref),
                            optionalInt(data, "limit", ListMembers.DEFAULT_LIMIT, ref),
                            ref);
                default ->
                    throw new RejectedCommandException(
                            ErrorCode.UNKNOWN_EVENT,
                            "unknown event \"" + abbreviated(event.textValue())
                                    + "\"; expected message, join, leave, refresh or members",
                            ref);
            };
        } catch (RejectedCommandException e) {
            throw e;
        } catch (ChatException e) {
            throw new RejectedCommandException(e.code(), e.getMessage(), ref);
        }
    }

    private static RoomName optionalRoom(JsonNode data, String ref) {
        JsonNode room = data.path("room");
        if (room.isMissingNode() || room.isNull()) {
            return RoomName.GENERAL;
        }
        return RoomName.of(requiredString(data, "room", ref));
    }

    private static Nickname optionalNickname(JsonNode data, String field, String ref) {
        JsonNode value = data.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return new Nickname(requiredString(data, field, ref));
        } catch (IllegalArgumentException e) {
            throw new RejectedCommandException(ErrorCode.INVALID_FIELD, "\"" + field + "\" is not a nickname", ref);
        }
    }

    private static int optionalInt(JsonNode data, String field, int otherwise, String ref) {
        JsonNode value = data.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        if (!value.isInt()) {
            throw new RejectedCommandException(ErrorCode.INVALID_FIELD, "\"" + field + "\" must be an integer", ref);
        }
        return value.intValue();
    }

    private static String requiredString(JsonNode data, String field, String ref) {
        JsonNode value = data.path(field);
        if (!value.isTextual()) {
            String problem = value.isMissingNode() ? "is missing" : "must be a string";
            throw new RejectedCommandException(ErrorCode.INVALID_FIELD, "\"" + field + "\" " + problem, ref);
        }
        return value.textValue();
    }

    /** A readable ref is echoed even when the rest of the frame is wrong; an unreadable one is an error itself. */
    private static String ref(JsonNode data) {
        JsonNode ref = data.path("ref");
        if (ref.isMissingNode() || ref.isNull()) {
            return null;
        }
        if (!ref.isTextual() || ref.textValue().isEmpty() || ref.textValue().length() > MAX_REF_LENGTH) {
            throw new RejectedCommandException(
                    ErrorCode.INVALID_FIELD, "\"ref\" must be a string of 1-" + MAX_REF_LENGTH + " characters", null);
        }
        return ref.textValue();
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
