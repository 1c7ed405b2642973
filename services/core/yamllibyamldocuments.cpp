// The events libyaml reports, translated into the calls yaml-cpp 0.7's parser makes for the same
// text: marks are 0-based in both (byte offsets, as the text is ASCII here), plain scalars carry
// the non-specific tag "?" and the others "!", collections "?", and a plain "~", "null",
// "Null" or "NULL" is a null node.
#include "core/yamllibyamldocuments.h"

#include <yaml-cpp/mark.h>

#include <yaml.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace launchdeck {

namespace {

// Far deeper than any manifest; yaml-cpp refuses nesting of its own at 500 levels.
constexpr std::size_t maxNesting = 64;

YAML::Mark markOf(const yaml_event_t& event)
{
    YAML::Mark mark;
    mark.pos = static_cast<int>(event.start_mark.index);
    mark.line = static_cast<int>(event.start_mark.line);
    mark.column = static_cast<int>(event.start_mark.column);
    return mark;
}

bool isNullScalar(std::string_view value)
{
    return value == "~" || value == "null" || value == "Null" || value == "NULL";
}

// Bytes on which the parsers (or their marks) may part ways: text beyond ASCII (libyaml counts
// columns in characters, yaml-cpp in bytes), carriage returns, tabs, escapes, and lines that
// start with a directive or a document end ("...": yaml-cpp reads a document there).
bool plainAsciiText(const QByteArray& bytes)
{
    bool lineStart = true;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || c == '\r' || c == '\t' || c == '\\')
            return false;
        if (lineStart && (c == '%' || c == '.'))
            return false;
        lineStart = c == '\n';
    }
    return true;
}

} // namespace

struct LibyamlDocuments::Reader
{
    explicit Reader(const QByteArray& bytes)
        : text(bytes)
    {
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser,
                                     reinterpret_cast<const unsigned char*>(bytes.constData()),
                                     static_cast<size_t>(bytes.size()));
    }
    ~Reader()
    {
        if (hasEvent)
            yaml_event_delete(&event);
        yaml_parser_delete(&parser);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // The next event, or false on an error.
    bool next()
    {
        if (hasEvent)
            yaml_event_delete(&event);
        hasEvent = yaml_parser_parse(&parser, &event) != 0;
        return hasEvent;
    }

    // Whether the current event reads the same under yaml-cpp.
    bool agrees()
    {
        switch (event.type) {
        case YAML_DOCUMENT_START_EVENT:
            return !event.data.document_start.version_directive &&
                   event.data.document_start.tag_directives.start ==
                       event.data.document_start.tag_directives.end;
        case YAML_ALIAS_EVENT:
            return false;
        case YAML_SCALAR_EVENT:
            return scalarAgrees();
        case YAML_SEQUENCE_START_EVENT:
            return !event.data.sequence_start.anchor && !event.data.sequence_start.tag &&
                   open(event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
        case YAML_MAPPING_START_EVENT: {
            if (event.data.mapping_start.anchor || event.data.mapping_start.tag)
                return false;
            // A pair inside a flow sequence ("[a: b]") or an explicit key ("? a") is
            // placed differently by yaml-cpp.
            const bool flow = event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
            const char first = text[static_cast<qsizetype>(event.start_mark.index)];
            return (flow ? first == '{' : first != '?') && open(flow);
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return close();
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            break;
        }
        return true;
    }

    bool open(bool flow)
    {
        collections.push_back(flow);
        if (flow && flowLevel++ == 0)
            flowStart = event.start_mark.index;
        return collections.size() <= maxNesting;
    }

    // Inside [...] and {...} libyaml takes every '?' for a key indicator, yaml-cpp ends a
    // plain scalar there or reports an error: a '?' anywhere in them, quoted or not, leaves
    // the text to yaml-cpp.
    bool close()
    {
        const bool flow = collections.back();
        collections.pop_back();
        if (!flow || --flowLevel > 0)
            return true;
        const std::size_t end = event.end_mark.index;
        return std::memchr(text.constData() + flowStart, '?', end - flowStart) == nullptr;
    }

    bool scalarAgrees() const
    {
        const auto& scalar = event.data.scalar;
        if (scalar.anchor || scalar.tag)
            return false;
        const std::string_view value(reinterpret_cast<const char*>(scalar.value), scalar.length);
        switch (scalar.style) {
        case YAML_PLAIN_SCALAR_STYLE:
            // An empty node's mark is where yaml-cpp meets the next token. Inside [...] or
            // {...} the two read a ':' in a plain scalar differently.
            if (value.empty() || (flowLevel > 0 && value.find(':') != value.npos))
                return false;
            [[fallthrough]];
        case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
            return event.start_mark.line == event.end_mark.line;
        case YAML_LITERAL_SCALAR_STYLE:
            // yaml-cpp ends the enclosing collection at a '|' in the first column.
            return !value.empty() && event.start_mark.column > 0;
        case YAML_ANY_SCALAR_STYLE:
        case YAML_FOLDED_SCALAR_STYLE:
            break;
        }
        return false;
    }

    const QByteArray& text;
    yaml_parser_t parser;
    yaml_event_t event;
    bool hasEvent = false;
    std::vector<bool> collections; // the open ones, true for [...] and {...}
    int flowLevel = 0;
    std::size_t flowStart = 0; // where the outermost [...] or {...} opens
};

LibyamlDocuments::LibyamlDocuments(const QByteArray& bytes)
    : m_reader(std::make_unique<Reader>(bytes))
{}

LibyamlDocuments::~LibyamlDocuments() = default;

std::unique_ptr<LibyamlDocuments> LibyamlDocuments::open(const QByteArray& bytes, int maxDocuments)
{
    if (!plainAsciiText(bytes))
        return nullptr;
    // A first pass only looks: the documents are built on the second, once the whole text is
    // known to be libyaml's to read.
    Reader check(bytes);
    int documents = 0;
    for (;;) {
        if (!check.next() || !check.agrees())
            return nullptr;
        if (check.event.type == YAML_DOCUMENT_START_EVENT && ++documents > maxDocuments)
            return nullptr;
        if (check.event.type == YAML_STREAM_END_EVENT)
            break;
    }
    return std::unique_ptr<LibyamlDocuments>(new LibyamlDocuments(bytes));
}

bool LibyamlDocuments::handleNextDocument(YAML::EventHandler& handler)
{
    Reader& reader = *m_reader;
    for (;;) {
        // The first pass read the same text to its end without an error.
        if (!reader.next())
            return false;
        const yaml_event_t& event = reader.event;
        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            return false;
        case YAML_DOCUMENT_START_EVENT:
            handler.OnDocumentStart(markOf(event));
            break;
        case YAML_DOCUMENT_END_EVENT:
            handler.OnDocumentEnd();
            return true;
        case YAML_SCALAR_EVENT: {
            const auto& scalar = event.data.scalar;
            const std::string_view value(reinterpret_cast<const char*>(scalar.value),
                                         scalar.length);
            const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
            if (plain && isNullScalar(value))
                handler.OnNull(markOf(event), YAML::NullAnchor);
            else
                handler.OnScalar(markOf(event), plain ? "?" : "!", YAML::NullAnchor,
                                 std::string(value));
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            handler.OnSequenceStart(markOf(event), "?", YAML::NullAnchor,
                                    event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                        ? YAML::EmitterStyle::Flow
                                        : YAML::EmitterStyle::Block);
            break;
        case YAML_SEQUENCE_END_EVENT:
            handler.OnSequenceEnd();
            break;
        case YAML_MAPPING_START_EVENT:
            handler.OnMapStart(markOf(event), "?", YAML::NullAnchor,
                               event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                                   ? YAML::EmitterStyle::Flow
                                   : YAML::EmitterStyle::Block);
            break;
        case YAML_MAPPING_END_EVENT:
            handler.OnMapEnd();
            break;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_ALIAS_EVENT:
            break;
        }
    }
}

} // namespace launchdeck
