// The tree of one document, built as yaml-cpp's own NodeBuilder builds it (that class is not
// exported by the yaml-cpp 0.7 shared library), plus the node counts that refuse a document
// before its tree grows past the limit.
#include "core/yamldocumentbuilder.h"

#include "core/yamlnodeaccess.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace launchdeck {

YamlDocumentBuilder::YamlDocumentBuilder(qint64 maxNodes)
    : m_maxNodes(maxNodes)
{
    reset();
}

void YamlDocumentBuilder::reset()
{
    m_memory = std::make_shared<YAML::detail::memory_holder>();
    m_root = nullptr;
    m_open.clear();
    m_keys.clear();
    m_mapDepth = 0;
    m_anchors.assign(1, nullptr);
    m_anchorExpanded.assign(1, 0);
    m_written = 0;
    m_expanded = 0;
    m_refusal = Refusal::None;
    m_refusalMark = YAML::Mark::null_mark();
    m_documentMark = YAML::Mark::null_mark();
    m_findings.clear();
}

YAML::Node YamlDocumentBuilder::root() const
{
    if (m_refusal != Refusal::None || !m_root)
        return YAML::Node();
    return YamlNodeAccessor::wrap(*m_root, m_memory);
}

void YamlDocumentBuilder::refuse(Refusal refusal, const YAML::Mark& mark)
{
    m_refusal = refusal;
    m_refusalMark = mark;
    // The tree built so far goes now: a refused document costs no more than the limit.
    m_memory.reset();
    m_root = nullptr;
    m_open.clear();
    m_keys.clear();
    m_anchors.clear();
}

bool YamlDocumentBuilder::count(const YAML::Mark& mark, qint64 written, qint64 expanded)
{
    if (m_refusal != Refusal::None)
        return false;
    m_written += written;
    // Saturating: aliases of aliases can name more nodes than a qint64 holds.
    m_expanded = expanded > m_maxNodes - m_expanded ? m_maxNodes + 1 : m_expanded + expanded;
    if (m_written > m_maxNodes)
        refuse(Refusal::TooManyNodes, mark);
    else if (m_expanded > m_maxNodes)
        refuse(Refusal::AliasExpansion, mark);
    return m_refusal == Refusal::None;
}

YAML::detail::node* YamlDocumentBuilder::push(const YAML::Mark& mark, YAML::anchor_t anchor)
{
    const qint64 expandedBefore = m_expanded;
    if (!count(mark, 1, 1))
        return nullptr;
    YAML::detail::node& node = m_memory->create_node();
    node.set_mark(mark);
    if (anchor != 0) {
        if (m_anchors.size() <= anchor) {
            m_anchors.resize(anchor + 1, nullptr);
            m_anchorExpanded.resize(anchor + 1, 0);
        }
        m_anchors[anchor] = &node;
        m_anchorExpanded[anchor] = -1;
    }
    attach(node, anchor, expandedBefore);
    return &node;
}

void YamlDocumentBuilder::attach(YAML::detail::node& node, YAML::anchor_t anchor,
                                 qint64 expandedBefore)
{
    const bool needsKey = !m_open.empty() && m_open.back().node->type() == YAML::NodeType::Map &&
                          m_keys.size() < m_mapDepth;
    m_open.push_back({&node, anchor, expandedBefore});
    if (needsKey)
        m_keys.emplace_back(&node, false);
}

void YamlDocumentBuilder::pop()
{
    const Open closed = m_open.back();
    m_open.pop_back();
    if (closed.anchor != 0)
        m_anchorExpanded[closed.anchor] = m_expanded - closed.expandedBefore;
    if (m_open.empty()) {
        m_root = closed.node;
        return;
    }
    YAML::detail::node& collection = *m_open.back().node;
    if (collection.type() == YAML::NodeType::Sequence) {
        collection.push_back(*closed.node, m_memory);
    } else if (collection.type() == YAML::NodeType::Map && !m_keys.empty()) {
        auto& [key, keyDone] = m_keys.back();
        if (keyDone) {
            collection.insert(*key, *closed.node, m_memory);
            m_keys.pop_back();
        } else {
            keyDone = true;
        }
    }
}

void YamlDocumentBuilder::OnDocumentStart(const YAML::Mark& mark)
{
    m_documentMark = mark;
}

void YamlDocumentBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor)
{
    if (YAML::detail::node* node = push(mark, anchor)) {
        node->set_null();
        pop();
    }
}

void YamlDocumentBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor)
{
    if (m_refusal != Refusal::None)
        return;
    if (anchor == 0 || anchor >= m_anchors.size() || !m_anchors[anchor]) {
        OnNull(mark, 0); // yaml-cpp rejects unknown anchors itself; stay well-formed regardless
        return;
    }
    if (m_anchorExpanded[anchor] < 0) {
        refuse(Refusal::AliasSelfNesting, mark);
        return;
    }
    // The alias stands for the whole anchored node, as a walk of the tree meets it.
    if (!count(mark, 1, m_anchorExpanded[anchor]))
        return;
    attach(*m_anchors[anchor], 0, m_expanded);
    pop();
}

void YamlDocumentBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag,
                                   YAML::anchor_t anchor, const std::string& value)
{
    if (YAML::detail::node* node = push(mark, anchor)) {
        node->set_scalar(value);
        node->set_tag(tag);
        pop();
    }
}

void YamlDocumentBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string& tag,
                                          YAML::anchor_t anchor, YAML::EmitterStyle::value style)
{
    if (YAML::detail::node* node = push(mark, anchor)) {
        node->set_tag(tag);
        node->set_type(YAML::NodeType::Sequence);
        node->set_style(style);
    }
}

void YamlDocumentBuilder::OnSequenceEnd()
{
    if (m_refusal == Refusal::None)
        pop();
}

void YamlDocumentBuilder::OnMapStart(const YAML::Mark& mark, const std::string& tag,
                                     YAML::anchor_t anchor, YAML::EmitterStyle::value style)
{
    if (YAML::detail::node* node = push(mark, anchor)) {
        node->set_type(YAML::NodeType::Map);
        node->set_tag(tag);
        node->set_style(style);
        ++m_mapDepth;
    }
}

void YamlDocumentBuilder::OnMapEnd()
{
    if (m_refusal != Refusal::None)
        return;
    --m_mapDepth;
    resolveMerges(*m_open.back().node);
    pop();
}

namespace {

// Only a plain '<<' merges, as in YAML 1.1: a quoted "<<" is an ordinary key.
bool isMergeKey(const YAML::detail::node& key)
{
    return key.type() == YAML::NodeType::Scalar && key.scalar() == "<<" &&
           (key.tag() == "?" || key.tag() == "tag:yaml.org,2002:merge");
}

QString kindName(const YAML::detail::node& node)
{
    switch (node.type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a sequence");
    case YAML::NodeType::Scalar:
        return QStringLiteral("the scalar '%1'").arg(QString::fromStdString(node.scalar()));
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("null");
}

} // namespace

void YamlDocumentBuilder::mergeFinding(const YAML::detail::node& at, Severity severity,
                                       const QString& rule, const QString& message)
{
    const YAML::Mark& mark = at.mark();
    m_findings.append({QString(), mark.line + 1, mark.column + 1, severity, rule, message});
}

// The merged entries are the anchored mapping's own nodes, so they keep the marks of the lines
// that hold them. Their count needs no second look: the alias that names them counted its
// whole expansion, and merging only drops entries from it.
void YamlDocumentBuilder::resolveMerges(YAML::detail::node& map)
{
    // Every mapping passes here: the common case, no '<<', costs a scan and no allocation.
    const auto isMergeEntry = [](const auto& entry) {
        return isMergeKey(*entry.first);
    };
    if (std::none_of(map.begin(), map.end(), isMergeEntry))
        return;
    using Entry = std::pair<YAML::detail::node*, YAML::detail::node*>;
    std::vector<Entry> written;
    for (const auto& entry : map)
        written.emplace_back(entry.first, entry.second);

    // Keys written in the mapping win over merged ones, wherever they stand.
    std::unordered_set<std::string_view> present;
    for (const auto& [key, value] : written) {
        if (key->type() == YAML::NodeType::Scalar && !isMergeKey(*key))
            present.insert(key->scalar());
    }
    std::vector<Entry> merged;
    const YAML::detail::node* firstMerge = nullptr;
    const auto mergeFrom = [&](YAML::detail::node& source) {
        for (const auto& entry : source) {
            const bool scalar = entry.first->type() == YAML::NodeType::Scalar;
            if (scalar && !present.insert(entry.first->scalar()).second)
                continue; // an earlier source, or the mapping itself, has it
            merged.emplace_back(entry.first, entry.second);
        }
    };
    for (const auto& [key, value] : written) {
        if (!isMergeKey(*key)) {
            merged.emplace_back(key, value);
            continue;
        }
        if (firstMerge) {
            mergeFinding(*key, Severity::High, QStringLiteral("duplicate-key"),
                         QStringLiteral("duplicate key '<<' (line %1 merges already); merge "
                                        "several mappings with one list: '<<: [*a, *b]'")
                             .arg(firstMerge->mark().line + 1));
        }
        firstMerge = firstMerge ? firstMerge : key;
        if (value->type() == YAML::NodeType::Map) {
            mergeFrom(*value);
        } else if (value->type() == YAML::NodeType::Sequence) {
            // One finding per '<<': the first entry that is no mapping says enough.
            int position = 0;
            const YAML::detail::node* wrong = nullptr;
            int wrongPosition = 0;
            for (const auto& item : *value) {
                YAML::detail::node& source = *item;
                ++position;
                if (source.type() == YAML::NodeType::Map) {
                    mergeFrom(source);
                } else if (!wrong) {
                    wrong = &source;
                    wrongPosition = position;
                }
            }
            if (wrong) {
                mergeFinding(*key, Severity::Critical, QStringLiteral("yaml-merge"),
                             QStringLiteral("'<<' merges mappings, but entry %1 of its sequence "
                                            "is %2; list only aliases of mappings ('<<: [*a, "
                                            "*b]')")
                                 .arg(wrongPosition)
                                 .arg(kindName(*wrong)));
            }
        } else {
            mergeFinding(*key, Severity::Critical, QStringLiteral("yaml-merge"),
                         QStringLiteral("'<<' merges mappings, but its value is %1; write "
                                        "'<<: *name' with the anchor on a mapping, or a list of "
                                        "them")
                             .arg(kindName(*value)));
        }
    }
    // Rebuilt in place: the mapping keeps its mark, tag, style and anchor.
    map.set_null();
    map.set_type(YAML::NodeType::Map);
    for (const auto& [key, value] : merged)
        map.insert(*key, *value, m_memory);
}

} // namespace launchdeck
