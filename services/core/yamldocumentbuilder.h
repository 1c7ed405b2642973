// Builds the node tree of one YAML document from yaml-cpp's parser events, so a file of many
// documents is read one document at a time, and counts what the document would become when its
// aliases are expanded, so an alias bomb is refused before anyone walks it. YAML 1.1 merge keys
// ('<<: *common') are resolved as each mapping ends, so every reader sees the merged mapping.
#pragma once

#include "core/diagnostic.h"

#include <QtGlobal>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/node/node.h>

#include <vector>

namespace launchdeck {

class YamlDocumentBuilder final : public YAML::EventHandler
{
public:
    enum class Refusal {
        None,
        TooManyNodes,    // the document as written holds more nodes than the limit
        AliasExpansion,  // its aliases expand it past the limit
        AliasSelfNesting // an alias refers to a node that contains it: it never ends
    };

    explicit YamlDocumentBuilder(qint64 maxNodes);

    // Forgets the previous document; call before each Parser::HandleNextDocument().
    void reset();

    // The document's root, or an undefined node when it was refused.
    YAML::Node root() const;
    Refusal refusal() const { return m_refusal; }
    // Where the refusal was decided: the node or alias that went past the limit.
    const YAML::Mark& refusalMark() const { return m_refusalMark; }
    const YAML::Mark& documentMark() const { return m_documentMark; }
    // Merge keys that could not be resolved, placed at their '<<'; the path is left empty.
    const Diagnostics& findings() const { return m_findings; }

    void OnDocumentStart(const YAML::Mark& mark) override;
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override;
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override;
    void OnSequenceEnd() override;
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override;
    void OnMapEnd() override;

private:
    struct Open
    {
        YAML::detail::node* node;
        YAML::anchor_t anchor;
        qint64 expandedBefore; // m_expanded when the node began
    };

    // False once the document has been refused: events are then only consumed.
    bool count(const YAML::Mark& mark, qint64 written, qint64 expanded);
    void refuse(Refusal refusal, const YAML::Mark& mark);
    YAML::detail::node* push(const YAML::Mark& mark, YAML::anchor_t anchor);
    void attach(YAML::detail::node& node, YAML::anchor_t anchor, qint64 expandedBefore);
    void pop();
    void resolveMerges(YAML::detail::node& map);
    void mergeFinding(const YAML::detail::node& at, Severity severity, const QString& rule,
                      const QString& message);

    const qint64 m_maxNodes;
    YAML::detail::shared_memory_holder m_memory;
    YAML::detail::node* m_root = nullptr;
    std::vector<Open> m_open;
    std::vector<std::pair<YAML::detail::node*, bool>> m_keys; // a map's key, and whether it is set
    std::size_t m_mapDepth = 0;
    std::vector<YAML::detail::node*> m_anchors; // by anchor id; ids start at 1
    std::vector<qint64> m_anchorExpanded;       // by anchor id; -1 while the node is open
    qint64 m_written = 0;
    qint64 m_expanded = 0; // nodes with every alias replaced by what it refers to
    Refusal m_refusal = Refusal::None;
    YAML::Mark m_refusalMark;
    YAML::Mark m_documentMark;
    Diagnostics m_findings;
};

} // namespace launchdeck
