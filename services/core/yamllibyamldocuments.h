// libyaml's event parser standing in for yaml-cpp's on the texts where the two agree event for
// event: it reads them several times faster. Anything else (an error, tags, anchors, directives,
// text beyond ASCII, tabs, escapes, scalars over several lines, folded scalars, empty nodes, a
// '?' or a ':' in a plain scalar inside [...] or {...}) is left to yaml-cpp for the whole text,
// so syntax errors keep yaml-cpp's messages and marks and every tree is the one yaml-cpp builds.
#pragma once

#include <QByteArray>

#include <yaml-cpp/eventhandler.h>

#include <memory>

namespace launchdeck {

class LibyamlDocuments final
{
public:
    // Null when `bytes` must go through yaml-cpp: libyaml reports an error, the text holds
    // something the two parsers may read differently, or more than `maxDocuments` documents.
    // The whole text is read once here, so a file is never half read by one parser.
    static std::unique_ptr<LibyamlDocuments> open(const QByteArray& bytes, int maxDocuments);
    ~LibyamlDocuments();
    LibyamlDocuments(const LibyamlDocuments&) = delete;
    LibyamlDocuments& operator=(const LibyamlDocuments&) = delete;

    // As yaml-cpp's Parser::HandleNextDocument(): the next document's events, as yaml-cpp
    // would send them; false when there are no more.
    bool handleNextDocument(YAML::EventHandler& handler);

private:
    struct Reader;
    explicit LibyamlDocuments(const QByteArray& bytes);

    std::unique_ptr<Reader> m_reader;
};

} // namespace launchdeck
