<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>launchdeck::AboutDialog</name>
    <message>
        <source>About Launchdeck</source>
        <translation>Über Launchdeck</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>A deployment console for release engineers: deploy, roll back, run pipelines, and edit infrastructure offline with validation.</source>
        <translation>Eine Deployment-Konsole für Release-Engineers: ausrollen, zurückrollen, Pipelines ausführen und Infrastruktur offline mit Validierung bearbeiten.</translation>
    </message>
    <message>
        <source>Built with Qt %1, running on Qt %2.</source>
        <translation>Erstellt mit Qt %1, läuft mit Qt %2.</translation>
    </message>
</context>
<context>
    <name>launchdeck::BannerWidget</name>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
</context>
<context>
    <name>launchdeck::DiagnosticsModel</name>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Spalte</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>launchdeck::DocumentIo</name>
    <message>
        <source>the file is larger than 32 MiB</source>
        <translation>die Datei ist größer als 32 MiB</translation>
    </message>
</context>
<context>
    <name>launchdeck::EnvOverridesEditor</name>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Environment variables for the next run, overriding the pipeline&apos;s</source>
        <translation>Umgebungsvariablen für den nächsten Lauf; sie überschreiben die der Pipeline</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add a variable</source>
        <translation>Eine Variable hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected variables</source>
        <translation>Die ausgewählten Variablen entfernen</translation>
    </message>
</context>
<context>
    <name>launchdeck::FindReplaceBar</name>
    <message>
        <source>Match case</source>
        <translation>Groß-/Kleinschreibung beachten</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>Replace All</source>
        <translation>Alle ersetzen</translation>
    </message>
    <message>
        <source>Replace:</source>
        <translation>Ersetzen:</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Find previous (Shift+F3)</source>
        <translation>Vorheriges suchen (Umschalt+F3)</translation>
    </message>
    <message>
        <source>Find next (F3)</source>
        <translation>Nächstes suchen (F3)</translation>
    </message>
    <message>
        <source>Find:</source>
        <translation>Suchen:</translation>
    </message>
    <message>
        <source>Wrapped around</source>
        <translation>Vom Anfang fortgesetzt</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>%1 replaced</source>
        <translation>%1 ersetzt</translation>
    </message>
</context>
<context>
    <name>launchdeck::InfrastructureTab</name>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>The environment whose validation level applies</source>
        <translation>Die Umgebung, deren Validierungsstufe gilt</translation>
    </message>
    <message>
        <source>Choose a file in the workspace tree to edit it.</source>
        <translation>Wählen Sie eine Datei im Arbeitsbereich aus, um sie zu bearbeiten.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No environments (standard)</source>
        <translation>Keine Umgebungen (standard)</translation>
    </message>
    <message>
        <source>%1 has no readable launchdeck.yaml; files are checked without its context.</source>
        <translation>%1 hat keine lesbare launchdeck.yaml; die Dateien werden ohne ihren Kontext geprüft.</translation>
    </message>
    <message>
        <source>Could not read %1</source>
        <translation>%1 konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Could not save %1</source>
        <translation>%1 konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Discard the changes to %1 and reload it from disk?</source>
        <translation>Die Änderungen an %1 verwerfen und die Datei neu von der Festplatte laden?</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>%1 has unsaved changes.</source>
        <translation>%1 hat ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <source>Do you want to save them?</source>
        <translation>Möchten Sie sie speichern?</translation>
    </message>
    <message>
        <source>%1%2 — %3</source>
        <translation>%1%2 — %3</translation>
    </message>
</context>
<context>
    <name>launchdeck::LogDelegate</name>
    <message>
        <source>run</source>
        <translation>Lauf</translation>
    </message>
</context>
<context>
    <name>launchdeck::LogView</name>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Mitlaufen</translation>
    </message>
    <message>
        <source>&amp;Timestamps</source>
        <translation>&amp;Zeitstempel</translation>
    </message>
    <message>
        <source>Show the lines of one step or of all</source>
        <translation>Die Zeilen eines Schritts oder aller Schritte zeigen</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Im Protokoll suchen</translation>
    </message>
    <message>
        <source>Keep the newest line in view while the log is scrolled to the end</source>
        <translation>Die neueste Zeile sichtbar halten, solange das Protokoll bis zum Ende gescrollt ist</translation>
    </message>
    <message>
        <source>Show when each line was read</source>
        <translation>Zeigen, wann jede Zeile gelesen wurde</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected lines (Ctrl+C)</source>
        <translation>Die ausgewählten Zeilen kopieren (Strg+C)</translation>
    </message>
    <message>
        <source>All steps</source>
        <translation>Alle Schritte</translation>
    </message>
    <message>
        <source>(run)</source>
        <translation>(Lauf)</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche …</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>Line %1 of %2</source>
        <translation>Zeile %1 von %2</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Vorheriger Treffer</translation>
    </message>
    <message>
        <source>Next match (Enter in the search field)</source>
        <translation>Nächster Treffer (Eingabetaste im Suchfeld)</translation>
    </message>
</context>
<context>
    <name>launchdeck::MainWindow</name>
    <message>
        <source>Infrastructure</source>
        <translation>Infrastruktur</translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation>Arbeitsbereich: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Workspace…</source>
        <translation>Arbeitsbereich ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen …</translation>
    </message>
    <message>
        <source>&amp;Replace…</source>
        <translation>&amp;Ersetzen …</translation>
    </message>
    <message>
        <source>Find &amp;Next</source>
        <translation>&amp;Nächstes suchen</translation>
    </message>
    <message>
        <source>Find Pre&amp;vious</source>
        <translation>&amp;Vorheriges suchen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Launchdeck</source>
        <translation>Über &amp;Launchdeck</translation>
    </message>
    <message>
        <source>Validating…</source>
        <translation>Validierung läuft …</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>Kein Arbeitsbereich</translation>
    </message>
    <message>
        <source>Open Workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>Liste &amp;leeren</translation>
    </message>
    <message>
        <source>Errors: %1  Warnings: %2</source>
        <translation>Fehler: %1  Warnungen: %2</translation>
    </message>
    <message>
        <source>Validation: %1</source>
        <translation>Validierung: %1</translation>
    </message>
    <message>
        <source>Validation: %1 (%2)</source>
        <translation>Validierung: %1 (%2)</translation>
    </message>
    <message>
        <source>Ln %1, Col %2</source>
        <translation>Z. %1, Sp. %2</translation>
    </message>
    <message>
        <source>Pipelines</source>
        <translation>Pipelines</translation>
    </message>
</context>
<context>
    <name>launchdeck::PipelinesTab</name>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>Abb&amp;rechen</translation>
    </message>
    <message>
        <source>R&amp;e-run</source>
        <translation>&amp;Erneut ausführen</translation>
    </message>
    <message>
        <source>Re-run &amp;Failed Steps</source>
        <translation>&amp;Fehlgeschlagene Schritte erneut ausführen</translation>
    </message>
    <message>
        <source>Run the selected pipeline with the overrides above</source>
        <translation>Die ausgewählte Pipeline mit den Überschreibungen oben ausführen</translation>
    </message>
    <message>
        <source>Cancel the selected run: its steps&apos; processes are ended</source>
        <translation>Den ausgewählten Lauf abbrechen: die Prozesse seiner Schritte werden beendet</translation>
    </message>
    <message>
        <source>Run the selected run&apos;s pipeline again with the same overrides</source>
        <translation>Die Pipeline des ausgewählten Laufs mit denselben Überschreibungen erneut ausführen</translation>
    </message>
    <message>
        <source>Run only the steps that failed in the selected run</source>
        <translation>Nur die Schritte ausführen, die im ausgewählten Lauf fehlgeschlagen sind</translation>
    </message>
    <message>
        <source>&amp;Pipelines</source>
        <translation>&amp;Pipelines</translation>
    </message>
    <message>
        <source>Environment overrides</source>
        <translation>Überschriebene Umgebungsvariablen</translation>
    </message>
    <message>
        <source>Selected run</source>
        <translation>Ausgewählter Lauf</translation>
    </message>
    <message>
        <source>Filter runs by pipeline or id</source>
        <translation>Läufe nach Pipeline oder ID filtern</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Loading the run history…</source>
        <translation>Laufhistorie wird geladen …</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>The run history cannot be opened: %1</source>
        <translation>Die Laufhistorie kann nicht geöffnet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1
%n step(s)</source>
        <translation>
            <numerusform>%1
%n Schritt</numerusform>
            <numerusform>%1
%n Schritte</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 cannot run: %2</source>
        <translation>%1 kann nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>%1 — run %2</source>
        <translation>%1 — Lauf %2</translation>
    </message>
    <message>
        <source>Pipeline %1: %2</source>
        <translation>Pipeline %1: %2</translation>
    </message>
    <message>
        <source>Run %1 ended after %2.</source>
        <translation>Lauf %1 endete nach %2.</translation>
    </message>
    <message>
        <source>Run %1 ended.</source>
        <translation>Lauf %1 ist beendet.</translation>
    </message>
</context>
<context>
    <name>launchdeck::ProblemsPanel</name>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Filter by file, rule or message</source>
        <translation>Nach Datei, Regel oder Meldung filtern</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <source>Errors (%1)</source>
        <translation>Fehler (%1)</translation>
    </message>
    <message>
        <source>Warnings (%1)</source>
        <translation>Warnungen (%1)</translation>
    </message>
    <message>
        <source>Info (%1)</source>
        <translation>Hinweise (%1)</translation>
    </message>
</context>
<context>
    <name>launchdeck::RenderPreview</name>
    <message>
        <source>Render preview</source>
        <translation>Renderansicht</translation>
    </message>
    <message>
        <source>Docker Compose</source>
        <translation>Docker Compose</translation>
    </message>
    <message>
        <source>Kubernetes</source>
        <translation>Kubernetes</translation>
    </message>
    <message>
        <source>What the template is rendered to</source>
        <translation>Wofür die Vorlage gerendert wird</translation>
    </message>
    <message>
        <source>Open a template from templates/ to see what it renders to.</source>
        <translation>Öffnen Sie eine Vorlage aus templates/, um zu sehen, was daraus gerendert wird.</translation>
    </message>
    <message>
        <source>The template cannot be rendered until its errors are fixed.</source>
        <translation>Die Vorlage kann erst gerendert werden, wenn ihre Fehler behoben sind.</translation>
    </message>
    <message>
        <source>The template renders to nothing.</source>
        <translation>Die Vorlage ergibt eine leere Ausgabe.</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>Zeile %1: %2</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… und %1 weitere</translation>
    </message>
</context>
<context>
    <name>launchdeck::RunStatus</name>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>launchdeck::RunView</name>
    <message>
        <source>Open &amp;Folder</source>
        <translation>&amp;Ordner öffnen</translation>
    </message>
    <message>
        <source>No run selected</source>
        <translation>Kein Lauf ausgewählt</translation>
    </message>
    <message>
        <source>Double-click a step to show only its lines in the log</source>
        <translation>Doppelklick auf einen Schritt zeigt nur seine Zeilen im Protokoll</translation>
    </message>
    <message>
        <source>Open the run&apos;s folder: logs and artifacts</source>
        <translation>Den Ordner des Laufs öffnen: Protokolle und Artefakte</translation>
    </message>
    <message>
        <source>Artifacts</source>
        <translation>Artefakte</translation>
    </message>
    <message>
        <source>No artifacts</source>
        <translation>Keine Artefakte</translation>
    </message>
</context>
<context>
    <name>launchdeck::RunsModel</name>
    <message>
        <source>Run %1
%2</source>
        <translation>Lauf %1
%2</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>Pipeline</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
</context>
<context>
    <name>launchdeck::StepsModel</name>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Open the workspace in DIR.</source>
        <translation>Den Arbeitsbereich in DIR öffnen.</translation>
    </message>
    <message>
        <source>The workspace to open.</source>
        <translation>Der zu öffnende Arbeitsbereich.</translation>
    </message>
    <message>
        <source>Could not set up the sample workspace: %1</source>
        <translation>Der Beispiel-Arbeitsbereich konnte nicht eingerichtet werden: %1</translation>
    </message>
</context>
</TS>
