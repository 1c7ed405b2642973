// Entry point: a command word runs the command line; otherwise the console window opens.
#include "bannerwidget.h"
#include "commandline.h"
#include "firstpaintreporter.h"
#include "infrastructuretab.h"
#include "mainwindow.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QImageReader>
#include <QLibraryInfo>
#include <QLocale>
#include <QStandardPaths>
#include <QThreadPool>
#include <QTranslator>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>
#include <cstdlib>

#include <fontconfig/fontconfig.h>

namespace {

void installTranslations(QApplication& app)
{
    const QLocale locale = QLocale::system();
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    auto* own = new QTranslator(&app);
    if (own->load(locale, QStringLiteral("launchdeck"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QApplication::installTranslator(own);
}

} // namespace

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const int status = launchdeck::runCommandLine(arguments);
    if (status >= 0)
        return status;

    // Fontconfig reads and parses its configuration the first time a font is wanted (several
    // milliseconds of XML): on the other core, while this one connects to the display. Qt's own
    // FcInit() then finds it loaded.
    QThreadPool::globalInstance()->start([] { FcInit(); });
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Launchdeck"));
    QApplication::setOrganizationName(QStringLiteral("Launchdeck"));
    QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.launchdeck.Launchdeck"));
    installTranslations(app);
    // The style's icons on the first tab are read through the image plugins, which the first
    // use loads: on the other core, while this one builds the window.
    QThreadPool::globalInstance()->start([] {
        QImageReader(QStringLiteral(":/qt-project.org/styles/commonstyle/images/"
                                    "standardbutton-apply-16.png"))
            .format();
    });

    QCommandLineParser parser;
    const QCommandLineOption workspaceOption(
        {QStringLiteral("w"), QStringLiteral("workspace")},
        QApplication::translate("main", "Open the workspace in DIR."), QStringLiteral("DIR"));
    parser.addOption(workspaceOption);
    parser.addPositionalArgument(QStringLiteral("DIR"),
                                 QApplication::translate("main", "The workspace to open."));
    if (!parser.parse(QApplication::arguments())) {
        std::fprintf(stderr, "launchdeck: %s\n", qPrintable(parser.errorText()));
        return 2;
    }

    launchdeck::MainWindow window;
    launchdeck::FirstPaintReporter::installIfRequested(&window);
    // The icon is an SVG: its engine, Qt SVG and the image plugins load after the first paint.
    QObject::connect(&window, &launchdeck::MainWindow::firstPainted, &app, [] {
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/launchdeck.svg")));
    });
    window.show();

    QString workspace = parser.value(workspaceOption);
    if (workspace.isEmpty() && !parser.positionalArguments().isEmpty())
        workspace = parser.positionalArguments().constFirst();
    if (!workspace.isEmpty()) {
        window.openWorkspaceWhenShown(workspace);
    } else {
        // First run copies the sample workspace out of the resources: off the GUI thread.
        const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QtConcurrent::run([dataDir] {
            return launchdeck::ensureSampleWorkspace(QStringLiteral(":/sample"), dataDir);
        }).then(&window, [&window](const launchdeck::Result<QString>& sample) {
            if (sample)
                window.openWorkspaceWhenShown(sample.value());
            else
                window.infrastructureTab()->banner()->showMessage(
                    QApplication::translate("main", "Could not set up the sample workspace: %1")
                        .arg(sample.error().toString()));
        });
    }
    const int exitStatus = QApplication::exec();
    if (window.leavesWorkRunning()) {
        // The user left running deployments to the next start: end as a killed console would,
        // without joining their threads (a rollback may be among them). The ledger's
        // reconciliation and the history's recovery take over from here.
        std::fflush(nullptr);
        std::_Exit(exitStatus);
    }
    return exitStatus;
}
