// The one place Launchdeck's files become YAML trees. libyaml parses what it reads as yaml-cpp
// does, yaml-cpp the rest, and yaml-cpp's nodes are built either way; everything they do not
// check (duplicate keys, tabs, encoding, expansion) is checked here before anyone walks the tree.
#include "core/yamlsource.h"

#include "core/yamldocumentbuilder.h"
#include "core/yamllibyamldocuments.h"
#include "core/yamlnodeaccess.h"
#include "core/yamlsyntaxerror.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSet>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <streambuf>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

Q_LOGGING_CATEGORY(lcYaml, "launchdeck.yaml", QtWarningMsg)

namespace launchdeck {

namespace {

std::atomic<YamlParserChoice> parserChoice = YamlParserChoice::Fastest;

struct Position
{
    int line;
    int column;
};

Position positionOfOffset(const QByteArray& bytes, qsizetype offset)
{
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (bytes[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, static_cast<int>(offset - lineStart + 1)};
}

// Returns the offset of the first byte that breaks UTF-8, or -1.
qsizetype firstInvalidUtf8(const QByteArray& bytes)
{
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size) {
        const unsigned char c = data[i];
        int extra = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return i;
        }
        if (i + extra >= size)
            return i;
        for (int k = 1; k <= extra; ++k) {
            if ((data[i + k] & 0xC0) != 0x80)
                return i;
        }
        i += extra + 1;
    }
    return -1;
}

// Offset just past the quote that closes the quoted scalar opening at `start`, or -1 when the
// text ends first (yaml-cpp 0.7 accepts such a scalar and swallows the rest of the file).
qsizetype closingQuote(const QByteArray& bytes, qsizetype start)
{
    const char quote = bytes[start];
    for (qsizetype i = start + 1; i < bytes.size(); ++i) {
        if (quote == '"' && bytes[i] == '\\') {
            ++i;
        } else if (bytes[i] == quote) {
            if (quote == '\'' && i + 1 < bytes.size() && bytes[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return -1;
}

// Walks the tree nodes themselves rather than YAML::Node handles: a handle per node visited
// costs a reference count taken and dropped, and the walk visits every node of every document.
class TreeChecker
{
public:
    TreeChecker(const QString& path, const QByteArray& bytes, const YamlLimits& limits,
                Diagnostics& out)
        : m_path(path)
        , m_bytes(bytes)
        , m_limits(limits)
        , m_out(out)
    {}

    // False when the tree must not be walked further (too deep, or a quote never closed). The
    // document builder has bounded the walk already: aliases expanded, it has at most
    // maxNodes nodes.
    bool check(const YAML::Node& root)
    {
        const YAML::detail::node* node = YamlNodeAccessor::nodeOf(root);
        return !node || check(*node, 0);
    }

private:
    using TreeNode = YAML::detail::node;

    bool check(const TreeNode& node, int depth)
    {
        if (depth > m_limits.maxDepth) {
            m_out.append(findingAt(
                node, Severity::Critical, QStringLiteral("yaml-depth"),
                QStringLiteral("nesting is deeper than %1 levels").arg(m_limits.maxDepth)));
            return false;
        }
        const YAML::NodeType::value type = node.type();
        if (type == YAML::NodeType::Scalar && !checkQuoted(node))
            return false;
        if (type == YAML::NodeType::Sequence) {
            for (const auto& item : node) {
                if (!check(*item, depth + 1))
                    return false;
            }
        } else if (type == YAML::NodeType::Map) {
            // Most mappings have a handful of keys: a linear scan over views beats hashing;
            // large ones are hashed so a mapping of 100,000 keys stays linear.
            const bool large = node.size() > 32;
            std::vector<std::string_view> keys;
            QSet<std::string_view> hashed;
            keys.reserve(large ? 0 : node.size());
            for (const auto& entry : node) {
                const TreeNode& keyNode = *entry.first;
                if (keyNode.type() == YAML::NodeType::Scalar) {
                    if (!checkQuoted(keyNode))
                        return false;
                    const std::string& key = keyNode.scalar();
                    const bool seen = large ? hashed.contains(key)
                                            : std::find(keys.begin(), keys.end(),
                                                        std::string_view(key)) != keys.end();
                    if (seen) {
                        m_out.append(findingAt(
                            keyNode, Severity::High, QStringLiteral("duplicate-key"),
                            QStringLiteral(
                                "duplicate key '%1' (the mapping at line %2 has it already)")
                                .arg(QString::fromStdString(key))
                                .arg(node.mark().line + 1)));
                    }
                    if (large)
                        hashed.insert(key);
                    else
                        keys.push_back(key);
                } else if (!check(keyNode, depth + 1)) {
                    return false;
                }
                if (!check(*entry.second, depth + 1))
                    return false;
            }
        }
        return true;
    }

    // As diagnosticAt() places a finding at a node.
    Diagnostic findingAt(const TreeNode& node, Severity severity, const QString& rule,
                         const QString& message) const
    {
        Diagnostic d{m_path, 0, 0, severity, rule, message};
        if (node.is_defined() && !node.mark().is_null()) {
            d.line = node.mark().line + 1;
            d.column = node.mark().column + 1;
        }
        return d;
    }

    bool checkQuoted(const TreeNode& scalar)
    {
        const YAML::Mark& mark = scalar.mark();
        if (mark.is_null() || mark.pos < 0 || mark.pos >= m_bytes.size())
            return true;
        const char first = m_bytes[mark.pos];
        if ((first != '"' && first != '\'') || closingQuote(m_bytes, mark.pos) >= 0)
            return true;
        m_out.append(
            findingAt(scalar, Severity::Critical, QStringLiteral("yaml-syntax"),
                      QStringLiteral("the quoted string opened here is never closed (missing %1)")
                          .arg(QLatin1Char(first))));
        return false;
    }

    const QString& m_path;
    const QByteArray& m_bytes;
    const YamlLimits& m_limits;
    Diagnostics& m_out;
};

void checkTabs(const QString& path, const QByteArray& bytes, Diagnostics& out)
{
    int line = 1;
    qsizetype lineStart = 0;
    bool inIndent = true;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '\n') {
            ++line;
            lineStart = i + 1;
            inIndent = true;
        } else if (inIndent && c == '\t') {
            out.append({path, line, static_cast<int>(i - lineStart + 1), Severity::High,
                        QStringLiteral("yaml-tab"),
                        QStringLiteral("tab character in indentation; YAML indents with spaces")});
            inIndent = false;
        } else if (c != ' ' && c != '-') {
            inIndent = false;
        }
    }
}

// Whether a ',' stands at document level, for the words of the finding when yaml-cpp starts
// more documents than the text can hold (see forEachYamlDocument). The fuzzer found inputs that
// do so without a comma this scan sees: the document count decides, the scan only words it.
bool hasCommaOutsideFlow(const QByteArray& bytes)
{
    int depth = 0;
    char previous = '\n';
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        const bool tokenStart = previous == '\n' || previous == ' ' || previous == '\t' ||
                                previous == '[' || previous == '{' || previous == ',' ||
                                previous == ':';
        if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n')) {
            while (i < bytes.size() && bytes[i] != '\n')
                ++i;
            previous = '\n';
            continue;
        }
        if ((c == '"' || c == '\'') && tokenStart) {
            const qsizetype end = closingQuote(bytes, i);
            if (end < 0)
                return true;
            i = end - 1;
            previous = c;
            continue;
        }
        if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth <= 0) {
            return true;
        }
        previous = c;
    }
    return false;
}

// Lines that open or close a document ("---", "..."): yaml-cpp starts at most one document per
// such line, plus the one the text opens with.
int documentMarkers(const QByteArray& bytes)
{
    int markers = 0;
    const char* data = bytes.constData();
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i + 3 <= size; ++i) {
        if ((i == 0 || data[i - 1] == '\n') &&
            (qstrncmp(data + i, "---", 3) == 0 || qstrncmp(data + i, "...", 3) == 0))
            ++markers;
    }
    return markers;
}

// Reads the text in place: a 30 MB file is not copied into a string and a stream besides.
class ByteArrayStreamBuffer final : public std::streambuf
{
public:
    explicit ByteArrayStreamBuffer(const QByteArray& bytes)
    {
        char* begin = const_cast<char*>(bytes.constData());
        setg(begin, begin, begin + bytes.size());
    }
};

Diagnostic refusalFinding(const QString& path, const YamlDocumentBuilder& builder,
                          const YamlLimits& limits)
{
    const YAML::Mark mark = builder.refusalMark();
    Diagnostic d{
        path,     mark.line + 1, mark.column + 1, Severity::Critical, QStringLiteral("yaml-size"),
        QString()};
    switch (builder.refusal()) {
    case YamlDocumentBuilder::Refusal::AliasExpansion:
        d.message = QStringLiteral("the document's aliases expand it to more than %1 nodes "
                                   "(aliases referring to aliases?); it was not checked")
                        .arg(limits.maxNodes);
        break;
    case YamlDocumentBuilder::Refusal::AliasSelfNesting:
        d.message = QStringLiteral("this alias refers to a node that contains it, so the "
                                   "document never ends; it was not checked");
        break;
    case YamlDocumentBuilder::Refusal::TooManyNodes:
    case YamlDocumentBuilder::Refusal::None:
        d.message = QStringLiteral("the document holds more than %1 nodes; Launchdeck checks "
                                   "documents of up to %1 nodes")
                        .arg(limits.maxNodes);
        break;
    }
    return d;
}

} // namespace

void setYamlParserChoice(YamlParserChoice choice)
{
    parserChoice.store(choice, std::memory_order_relaxed);
}

QString yamlKindName(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("mapping");
    case YAML::NodeType::Sequence:
        return QStringLiteral("sequence");
    case YAML::NodeType::Scalar:
        return QStringLiteral("scalar");
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("null");
}

Diagnostic diagnosticAt(const QString& path, const YAML::Node& node, Severity severity,
                        const QString& rule, const QString& message)
{
    Diagnostic d;
    d.path = path;
    if (node.IsDefined()) {
        const YAML::Mark mark = node.Mark();
        if (!mark.is_null()) {
            d.line = mark.line + 1;
            d.column = mark.column + 1;
        }
    }
    d.severity = severity;
    d.rule = rule;
    d.message = message;
    return d;
}

YamlFile loadYamlFile(const QString& path, Diagnostics& out, const YamlLimits& limits)
{
    QFile file(path);
    const QFileInfo info(path);
    if (info.isDir()) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                    QStringLiteral("is a directory, not a file")});
        return {path, {}, false};
    }
    if (!file.open(QIODevice::ReadOnly)) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("unreadable"),
                    QStringLiteral("cannot read: %1").arg(file.errorString())});
        return {path, {}, false};
    }
    if (file.size() > limits.maxBytes) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("file-too-large"),
                    QStringLiteral("file is %1 MiB; Launchdeck reads YAML files of up to %2 MiB")
                        .arg(static_cast<double>(file.size()) / 1048576.0, 0, 'f', 1)
                        .arg(limits.maxBytes / 1048576)});
        return {path, {}, false};
    }
    return parseYaml(path, file.readAll(), out, limits);
}

bool forEachYamlDocument(const QString& path, const QByteArray& bytes, Diagnostics& out,
                         const std::function<void(const YamlDocument&)>& visit,
                         const YamlLimits& limits)
{
    if (bytes.size() > limits.maxBytes) {
        out.append({path, 0, 0, Severity::Critical, QStringLiteral("file-too-large"),
                    QStringLiteral("text is %1 MiB; Launchdeck reads YAML of up to %2 MiB")
                        .arg(static_cast<double>(bytes.size()) / 1048576.0, 0, 'f', 1)
                        .arg(limits.maxBytes / 1048576)});
        return false;
    }
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0) {
        const Position at = positionOfOffset(bytes, nul);
        out.append(
            {path, at.line, at.column, Severity::Critical, QStringLiteral("not-text"),
             QStringLiteral("binary data (a NUL byte at offset %1); expected YAML text").arg(nul)});
        return false;
    }
    if (const qsizetype bad = firstInvalidUtf8(bytes); bad >= 0) {
        const Position at = positionOfOffset(bytes, bad);
        out.append({path, at.line, at.column, Severity::Critical, QStringLiteral("not-text"),
                    QStringLiteral("invalid UTF-8 (byte 0x%1 at offset %2)")
                        .arg(static_cast<unsigned char>(bytes[bad]), 2, 16, QLatin1Char('0'))
                        .arg(bad)});
        return false;
    }
    const qsizetype before = out.size();
    checkTabs(path, bytes, out);
    const bool hadTabs = out.size() > before;

    YamlDocumentBuilder builder(limits.maxNodes);
    TreeChecker checker(path, bytes, limits, out);
    // yaml-cpp 0.7 never consumes a ',' left over at document level (",x", "- a\n,", "*a,"):
    // it starts one empty document after another for ever. No text holds more documents than
    // it has markers, plus the one it opens with (and one to spare).
    const int documentLimit = documentMarkers(bytes) + 2;
    const std::unique_ptr<LibyamlDocuments> libyaml =
        parserChoice.load(std::memory_order_relaxed) == YamlParserChoice::Fastest
            ? LibyamlDocuments::open(bytes, documentLimit)
            : nullptr;
    ByteArrayStreamBuffer buffer(bytes);
    std::istream stream(&buffer);
    YAML::Parser parser;
    if (!libyaml)
        parser.Load(stream);
    bool complete = true;
    int index = 0;
    try {
        for (;; ++index) {
            builder.reset();
            if (libyaml ? !libyaml->handleNextDocument(builder)
                        : !parser.HandleNextDocument(builder))
                break;
            if (index >= documentLimit) {
                const YAML::Mark mark = builder.documentMark();
                out.append({path, mark.line + 1, mark.column + 1, Severity::Critical,
                            QStringLiteral("yaml-syntax"),
                            hasCommaOutsideFlow(bytes)
                                ? QStringLiteral("unexpected ',' outside a flow collection "
                                                 "([…] or {…})")
                                : QStringLiteral("unexpected content at document level; the "
                                                 "parser cannot tell where the document goes "
                                                 "on")});
                return false;
            }
            if (builder.refusal() != YamlDocumentBuilder::Refusal::None) {
                out.append(refusalFinding(path, builder, limits));
                complete = false;
                continue; // the parser is at the next document: only this one is lost
            }
            for (Diagnostic finding : builder.findings()) {
                finding.path = path;
                out.append(finding);
            }
            const YamlDocument document{builder.root(), index};
            if (!checker.check(document.root)) {
                complete = false;
                continue;
            }
            visit(document);
        }
    } catch (const YAML::DeepRecursion& e) {
        out.append({path, e.mark.line + 1, e.mark.column + 1, Severity::Critical,
                    QStringLiteral("yaml-depth"),
                    QStringLiteral("nesting is deeper than the parser allows (%1 levels)")
                        .arg(e.depth())});
        return false;
    } catch (const YAML::Exception& e) {
        if (!hadTabs) {
            const YamlSyntaxError error = explainYamlSyntaxError(bytes, e.msg, e.mark);
            out.append({path, error.line, error.column, Severity::Critical,
                        QStringLiteral("yaml-syntax"), error.message});
        }
        return false;
    }
    qCDebug(lcYaml) << "read" << path << index << "documents";
    return complete;
}

YamlFile parseYaml(const QString& path, const QByteArray& bytes, Diagnostics& out,
                   const YamlLimits& limits)
{
    YamlFile result{path, {}, false};
    result.readable = forEachYamlDocument(
        path, bytes, out,
        [&result](const YamlDocument& document) { result.documents.append(document); }, limits);
    if (!result.readable)
        result.documents.clear();
    return result;
}

} // namespace launchdeck
