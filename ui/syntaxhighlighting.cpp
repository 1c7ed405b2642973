// Chooses KSyntaxHighlighting (KF6) when the build found it, else the built-in highlighter.
#include "syntaxhighlighting.h"

#include "yamlhighlighter.h"

#ifdef LAUNCHDECK_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QGuiApplication>
#include <QPalette>
#endif

#include <QTextDocument>

namespace launchdeck {

QSyntaxHighlighter* createYamlHighlighter(QTextDocument* document)
{
#ifdef LAUNCHDECK_HAVE_KSYNTAXHIGHLIGHTING
    // The repository loads every definition from disk: do it once per process.
    static KSyntaxHighlighting::Repository repository;
    const KSyntaxHighlighting::Definition definition =
        repository.definitionForName(QStringLiteral("YAML"));
    if (definition.isValid()) {
        auto* highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
        const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
        highlighter->setTheme(
            repository.defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                         : KSyntaxHighlighting::Repository::LightTheme));
        highlighter->setDefinition(definition);
        return highlighter;
    }
#endif
    return new YamlHighlighter(document);
}

} // namespace launchdeck
