// The one place that chooses the YAML highlighter: KSyntaxHighlighting where it is installed,
// else the built-in one. Editors and previews only see a QSyntaxHighlighter.
#pragma once

class QSyntaxHighlighter;
class QTextDocument;

namespace launchdeck {

// The highlighter is a child of `document` and lives as long as it.
QSyntaxHighlighter* createYamlHighlighter(QTextDocument* document);

} // namespace launchdeck
