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
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
</context>
<context>
    <name>launchdeck::AlertsModel</name>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>%1: %2 (until %3)</source>
        <translation>%1: %2 (bis %3)</translation>
    </message>
    <message>
        <source>suppressed — silenced by %1</source>
        <translation>unterdrückt — stummgeschaltet von %1</translation>
    </message>
</context>
<context>
    <name>launchdeck::AlertsView</name>
    <message>
        <source>&amp;Silence…</source>
        <translation>&amp;Stummschalten …</translation>
    </message>
    <message>
        <source>E&amp;xpire Silence</source>
        <translation>Stummschaltung b&amp;eenden</translation>
    </message>
    <message>
        <source>A&amp;pplication:</source>
        <translation>An&amp;wendung:</translation>
    </message>
    <message>
        <source>Silences</source>
        <translation>Stummschaltungen</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Silence %1 created in %2</source>
        <translation>Stummschaltung %1 in %2 angelegt</translation>
    </message>
    <message>
        <source>Silence %1 expired in %2</source>
        <translation>Stummschaltung %1 in %2 beendet</translation>
    </message>
    <message>
        <source>%1: Alertmanager unreachable — %2 (attempt %3, retrying in %4 s)</source>
        <translation>%1: Alertmanager nicht erreichbar — %2 (Versuch %3, neuer Versuch in %4 s)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No environment has an Alertmanager or a threshold rule.</source>
        <translation>Keine Umgebung hat einen Alertmanager oder eine Schwellenwertregel.</translation>
    </message>
    <message numerus="yes">
        <source>%n firing, %1 suppressed</source>
        <translation>
            <numerusform>%n ausgelöst, %1 unterdrückt</numerusform>
            <numerusform>%n ausgelöst, %1 unterdrückt</numerusform>
        </translation>
    </message>
    <message>
        <source> in 1 environment</source>
        <translation> in 1 Umgebung</translation>
    </message>
    <message numerus="yes">
        <source> in %n environments</source>
        <translation>
            <numerusform> in %n Umgebung</numerusform>
            <numerusform> in %n Umgebungen</numerusform>
        </translation>
    </message>
    <message>
        <source>; 1 rule pending</source>
        <translation>; 1 Regel ausstehend</translation>
    </message>
    <message numerus="yes">
        <source>; %n rules pending</source>
        <translation>
            <numerusform>; %n Regel ausstehend</numerusform>
            <numerusform>; %n Regeln ausstehend</numerusform>
        </translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>E&amp;nvironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>1 alert firing</source>
        <translation>1 Alarm ausgelöst</translation>
    </message>
    <message numerus="yes">
        <source>%n alerts firing</source>
        <translation>
            <numerusform>%n Alarm ausgelöst</numerusform>
            <numerusform>%n Alarme ausgelöst</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>launchdeck::BannerWidget</name>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>D&amp;ismiss</source>
        <translation>Au&amp;sblenden</translation>
    </message>
</context>
<context>
    <name>launchdeck::ClusterActions</name>
    <message>
        <source>Scale %1 %2</source>
        <translation>%1 %2 skalieren</translation>
    </message>
    <message>
        <source>Replicas</source>
        <translation>Replikate</translation>
    </message>
    <message>
        <source>Namespace:</source>
        <translation>Namespace:</translation>
    </message>
    <message>
        <source>Currently:</source>
        <translation>Derzeit:</translation>
    </message>
    <message>
        <source>&amp;Replicas:</source>
        <translation>&amp;Replikate:</translation>
    </message>
    <message>
        <source>&amp;Scale</source>
        <translation>&amp;Skalieren</translation>
    </message>
    <message>
        <source>Scale %1 %2 to %3</source>
        <translation>%1 %2 auf %3 skalieren</translation>
    </message>
    <message>
        <source>Restart %1</source>
        <translation>%1 neu starten</translation>
    </message>
    <message>
        <source>Restart %1 %2 in %3?</source>
        <translation>%1 %2 in %3 neu starten?</translation>
    </message>
    <message>
        <source>Its pods are replaced as in a rollout, following the update strategy.</source>
        <translation>Seine Pods werden wie bei einem Rollout ersetzt, nach der Update-Strategie.</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Restart %1 %2</source>
        <translation>%1 %2 neu starten</translation>
    </message>
    <message>
        <source>Set image of %1 %2</source>
        <translation>Image von %1 %2 setzen</translation>
    </message>
    <message>
        <source>&amp;Container:</source>
        <translation>&amp;Container:</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Image:</translation>
    </message>
    <message>
        <source>&amp;Set Image</source>
        <translation>Image &amp;setzen</translation>
    </message>
    <message>
        <source>Set image of %1 %2 (container %3) to %4</source>
        <translation>Image von %1 %2 (Container %3) auf %4 setzen</translation>
    </message>
    <message>
        <source>The pod has no owner: nothing will recreate it.</source>
        <translation>Der Pod hat keinen Besitzer: Nichts wird ihn neu erstellen.</translation>
    </message>
    <message>
        <source>Its owner will create a replacement.</source>
        <translation>Sein Besitzer wird einen Ersatz erstellen.</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message>
        <source>Delete %1 %2 in %3?</source>
        <translation>%1 %2 in %3 löschen?</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete %1 %2</source>
        <translation>%1 %2 löschen</translation>
    </message>
</context>
<context>
    <name>launchdeck::ClusterObjectDetails</name>
    <message>
        <source>(not valid base64)</source>
        <translation>(kein gültiges Base64)</translation>
    </message>
    <message numerus="yes">
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n Byte Binärdaten)</numerusform>
            <numerusform>(%n Byte Binärdaten)</numerusform>
        </translation>
    </message>
    <message>
        <source>The record of which manager set which field, folded away because it is long and rarely what one looks for</source>
        <translation>Die Aufzeichnung, welcher Manager welches Feld gesetzt hat, eingeklappt, weil sie lang ist und selten das Gesuchte</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Last Seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Envir&amp;onment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Values stay masked until revealed, one key at a time.</source>
        <translation>Werte bleiben maskiert, bis sie aufgedeckt werden, jeweils ein Schlüssel.</translation>
    </message>
    <message>
        <source>&amp;YAML</source>
        <translation>&amp;YAML</translation>
    </message>
    <message>
        <source>Even&amp;ts</source>
        <translation>Ereigniss&amp;e</translation>
    </message>
    <message>
        <source>D&amp;rift</source>
        <translation>&amp;Drift</translation>
    </message>
    <message>
        <source>Dat&amp;a</source>
        <translation>Da&amp;ten</translation>
    </message>
    <message>
        <source>The live object beside what the workspace would apply</source>
        <translation>Das Live-Objekt neben dem, was der Arbeitsbereich anwenden würde</translation>
    </message>
    <message>
        <source>Events could not be listed: %1</source>
        <translation>Ereignisse konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>No events for this object.</source>
        <translation>Keine Ereignisse für dieses Objekt.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n Ereignis</numerusform>
            <numerusform>%n Ereignisse</numerusform>
        </translation>
    </message>
    <message>
        <source>No cluster.</source>
        <translation>Kein Cluster.</translation>
    </message>
    <message>
        <source>Listing events…</source>
        <translation>Ereignisse werden aufgelistet …</translation>
    </message>
    <message>
        <source>Not in the workspace: none of its environments is on this cluster.</source>
        <translation>Nicht im Arbeitsbereich: Keine seiner Umgebungen liegt auf diesem Cluster.</translation>
    </message>
    <message>
        <source>Rendering the workspace…</source>
        <translation>Arbeitsbereich wird gerendert …</translation>
    </message>
    <message>
        <source>Not in the workspace: no template or manifest for %1 sets %2 %3.</source>
        <translation>Nicht im Arbeitsbereich: Keine Vorlage und kein Manifest für %1 setzt %2 %3.</translation>
    </message>
    <message>
        <source>(Some files could not be read: %1)</source>
        <translation>(Einige Dateien konnten nicht gelesen werden: %1)</translation>
    </message>
    <message>
        <source>Drifted from %1 (%2): − what the workspace sets, + what the cluster holds.</source>
        <translation>Abweichung von %1 (%2): − was der Arbeitsbereich setzt, + was der Cluster hält.</translation>
    </message>
    <message>
        <source>In step with %1 (%2) on every field it sets.</source>
        <translation>Im Einklang mit %1 (%2) in jedem Feld, das es setzt.</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>Aufdecken</translation>
    </message>
    <message>
        <source>Mask %1 again</source>
        <translation>%1 wieder maskieren</translation>
    </message>
    <message>
        <source>Show the value of %1</source>
        <translation>Den Wert von %1 anzeigen</translation>
    </message>
    <message>
        <source>Show mana&amp;gedFields</source>
        <translation>mana&amp;gedFields anzeigen</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Neu &amp;laden</translation>
    </message>
</context>
<context>
    <name>launchdeck::ClusterPanel</name>
    <message>
        <source>Show all &amp;kubeconfig contexts</source>
        <translation>Alle &amp;kubeconfig-Kontexte anzeigen</translation>
    </message>
    <message>
        <source>Retry &amp;now</source>
        <translation>&amp;Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Selector: %1</source>
        <translation>Selektor: %1</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1 …</translation>
    </message>
    <message>
        <source>%1: done.</source>
        <translation>%1: erledigt.</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Cannot list the pods of %1: %2</source>
        <translation>Die Pods von %1 können nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>%1 has no pods.</source>
        <translation>%1 hat keine Pods.</translation>
    </message>
    <message>
        <source>Cannot show %1: %2</source>
        <translation>%1 kann nicht angezeigt werden: %2</translation>
    </message>
    <message>
        <source>Cannot list namespaces: %1</source>
        <translation>Namespaces können nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>All namespaces</source>
        <translation>Alle Namespaces</translation>
    </message>
    <message>
        <source>No Kubernetes cluster: the workspace&apos;s targets name none.</source>
        <translation>Kein Kubernetes-Cluster: Die Ziele des Arbeitsbereichs nennen keinen.</translation>
    </message>
    <message>
        <source>Choose a cluster.</source>
        <translation>Wählen Sie einen Cluster.</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
    <message>
        <source>&amp;Cluster:</source>
        <translation>&amp;Cluster:</translation>
    </message>
    <message>
        <source>Add a cluster for every context of the default kubeconfig, not only the workspace&apos;s</source>
        <translation>Einen Cluster für jeden Kontext der Standard-kubeconfig hinzufügen, nicht nur für die des Arbeitsbereichs</translation>
    </message>
    <message>
        <source>Try to reach the API server now instead of waiting</source>
        <translation>Den API-Server jetzt zu erreichen versuchen, statt zu warten</translation>
    </message>
    <message>
        <source>Na&amp;mespace:</source>
        <translation>Na&amp;mespace:</translation>
    </message>
    <message>
        <source>Filter by name or any column…</source>
        <translation>Nach Name oder beliebiger Spalte filtern …</translation>
    </message>
    <message>
        <source>Label selector, e.g. app=web,tier!=cache</source>
        <translation>Label-Selektor, z. B. app=web,tier!=cache</translation>
    </message>
    <message>
        <source>As kubectl&apos;s -l: =, ==, !=, in (…), notin (…), key, !key</source>
        <translation>Wie kubectl -l: =, ==, !=, in (…), notin (…), key, !key</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>Objekte</translation>
    </message>
    <message>
        <source>&amp;Scale…</source>
        <translation>&amp;Skalieren …</translation>
    </message>
    <message>
        <source>Set the number of replicas</source>
        <translation>Die Anzahl der Replikate festlegen</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Replace the pods as kubectl rollout restart does</source>
        <translation>Die Pods ersetzen, wie kubectl rollout restart es tut</translation>
    </message>
    <message>
        <source>Set &amp;Image…</source>
        <translation>&amp;Image setzen …</translation>
    </message>
    <message>
        <source>Change the image of one container</source>
        <translation>Das Image eines Containers ändern</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete the pod</source>
        <translation>Den Pod löschen</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Logs</translation>
    </message>
    <message>
        <source>Follow the pod&apos;s logs</source>
        <translation>Den Logs des Pods folgen</translation>
    </message>
    <message>
        <source>Logs: %1</source>
        <translation>Logs: %1</translation>
    </message>
    <message>
        <source>%1 in %2 on %3 (%4 closes the tab)</source>
        <translation>%1 in %2 auf %3 (%4 schließt den Tab)</translation>
    </message>
</context>
<context>
    <name>launchdeck::ClusterStatusText</name>
    <message>
        <source>Connecting to %1 (%2)…</source>
        <translation>Verbindung zu %1 (%2) wird aufgebaut …</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>verbinde …</translation>
    </message>
    <message>
        <source>Connected to %1 (%2): Kubernetes %3</source>
        <translation>Verbunden mit %1 (%2): Kubernetes %3</translation>
    </message>
    <message>
        <source>Kubernetes %1</source>
        <translation>Kubernetes %1</translation>
    </message>
    <message>
        <source>retry %1 in %2 s</source>
        <translation>Versuch %1 in %2 s</translation>
    </message>
    <message>
        <source>disconnected — %1</source>
        <translation>getrennt — %1</translation>
    </message>
    <message>
        <source>Disconnected from %1 (%2)%3. Showing the last known state; %4.</source>
        <translation>Getrennt von %1 (%2)%3. Der letzte bekannte Stand wird angezeigt; %4.</translation>
    </message>
</context>
<context>
    <name>launchdeck::ContainerLogView</name>
    <message>
        <source>%1 was removed.</source>
        <translation>%1 wurde entfernt.</translation>
    </message>
    <message>
        <source>Waiting for %1 to connect…</source>
        <translation>Warten auf die Verbindung zu %1 …</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Alle Zeilen</translation>
    </message>
    <message>
        <source>Last %1 lines</source>
        <translation>Letzte %1 Zeilen</translation>
    </message>
    <message>
        <source>How much of the existing log to read before following it</source>
        <translation>Wie viel vom vorhandenen Log vor dem Mitlaufen gelesen wird</translation>
    </message>
    <message>
        <source>stdout and stderr</source>
        <translation>stdout und stderr</translation>
    </message>
    <message>
        <source>stdout only</source>
        <translation>nur stdout</translation>
    </message>
    <message>
        <source>stderr only</source>
        <translation>nur stderr</translation>
    </message>
    <message>
        <source>Show the lines of one output stream or of both</source>
        <translation>Die Zeilen eines Ausgabestroms oder beider zeigen</translation>
    </message>
    <message>
        <source>Empty the view; new lines keep arriving</source>
        <translation>Die Ansicht leeren; neue Zeilen kommen weiterhin an</translation>
    </message>
    <message>
        <source>Ask the daemon for the time of each line</source>
        <translation>Die Uhrzeit jeder Zeile beim Daemon abfragen</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen …</translation>
    </message>
    <message>
        <source>Following the log of %1 (terminal: one stream)</source>
        <translation>Log von %1 wird verfolgt (Terminal: ein Ausgabestrom)</translation>
    </message>
    <message>
        <source>Following the log of %1</source>
        <translation>Log von %1 wird verfolgt</translation>
    </message>
    <message>
        <source>%1 exited; its log ended at %2.</source>
        <translation>%1 wurde beendet; das Log endete um %2.</translation>
    </message>
    <message numerus="yes">
        <source>%1 — retrying in %n s</source>
        <translation>
            <numerusform>%1 — neuer Versuch in %n s</numerusform>
            <numerusform>%1 — neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is unreachable (%2); the log resumes when it is back.</source>
        <translation>%1 ist nicht erreichbar (%2); das Log wird fortgesetzt, sobald der Host wieder erreichbar ist.</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>&amp;Leeren</translation>
    </message>
</context>
<context>
    <name>launchdeck::DashboardsView</name>
    <message>
        <source>&amp;Application:</source>
        <translation>An&amp;wendung:</translation>
    </message>
    <message>
        <source>No workspace is open.</source>
        <translation>Kein Arbeitsbereich geöffnet.</translation>
    </message>
    <message>
        <source>The workspace names no application or no environment.</source>
        <translation>Der Arbeitsbereich nennt keine Anwendung oder keine Umgebung.</translation>
    </message>
    <message>
        <source>No dashboard for %1 on %2: add one under dashboards: in launchdeck.yaml, or enter a PromQL query above.</source>
        <translation>Kein Dashboard für %1 in %2: Legen Sie eines unter dashboards: in launchdeck.yaml an oder geben Sie oben eine PromQL-Abfrage ein.</translation>
    </message>
    <message>
        <source>Environment %1 names no Prometheus server (prometheus: in launchdeck.yaml)</source>
        <translation>Die Umgebung %1 nennt keinen Prometheus-Server (prometheus: in launchdeck.yaml)</translation>
    </message>
    <message>
        <source>Prometheus: %1</source>
        <translation>Prometheus: %1</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>r%1 (%2)</source>
        <translation>r%1 (%2)</translation>
    </message>
    <message>
        <source>Query: %1</source>
        <translation>Abfrage: %1</translation>
    </message>
    <message>
        <source>E&amp;nvironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>r%1 → r%2</source>
        <translation>r%1 → r%2</translation>
    </message>
    <message>
        <source>r%1</source>
        <translation>r%1</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeployDialog</name>
    <message>
        <source>Deploy</source>
        <translation>Ausrollen</translation>
    </message>
    <message>
        <source>A tag of a local image of the application&apos;s repository, or any tag typed</source>
        <translation>Ein Tag eines lokalen Images aus dem Repository der Anwendung oder ein beliebiges eingegebenes Tag</translation>
    </message>
    <message>
        <source>&amp;Deploy</source>
        <translation>&amp;Ausrollen</translation>
    </message>
    <message>
        <source>&amp;Application:</source>
        <translation>An&amp;wendung:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>&amp;Version:</translation>
    </message>
    <message>
        <source>&amp;Strategy:</source>
        <translation>&amp;Strategie:</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Optionen:</translation>
    </message>
    <message>
        <source>The application&apos;s (%1)</source>
        <translation>Die der Anwendung (%1)</translation>
    </message>
    <message>
        <source>Looking for local images of %1…</source>
        <translation>Suche lokale Images von %1 …</translation>
    </message>
    <message>
        <source>Earlier tags unavailable: %1.</source>
        <translation>Frühere Tags nicht verfügbar: %1.</translation>
    </message>
    <message>
        <source>Local images unavailable: %1.</source>
        <translation>Lokale Images nicht verfügbar: %1.</translation>
    </message>
    <message>
        <source>No tag of %1 deployed before.</source>
        <translation>Noch kein Tag von %1 bereitgestellt.</translation>
    </message>
    <message>
        <source>No local image of %1.</source>
        <translation>Kein lokales Image von %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s) deployed before.</source>
        <translation>
            <numerusform>%n früher bereitgestelltes Tag.</numerusform>
            <numerusform>%n früher bereitgestellte Tags.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n local tag(s).</source>
        <translation>
            <numerusform>%n lokales Tag.</numerusform>
            <numerusform>%n lokale Tags.</numerusform>
        </translation>
    </message>
    <message>
        <source>Asking the registry…</source>
        <translation>Die Registry wird abgefragt …</translation>
    </message>
    <message>
        <source>Registry tags unavailable: %1.</source>
        <translation>Registry-Tags nicht verfügbar: %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s) in %1, newest first.</source>
        <translation>
            <numerusform>%n Tag in %1, neuestes zuerst.</numerusform>
            <numerusform>%n Tags in %1, neueste zuerst.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s) in %1.</source>
        <translation>
            <numerusform>%n Tag in %1.</numerusform>
            <numerusform>%n Tags in %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Any tag may be typed; one that neither the host nor the registry has is built from %1.</source>
        <translation>Jedes Tag kann eingegeben werden; eines, das weder der Host noch die Registry hat, wird aus %1 erstellt.</translation>
    </message>
    <message>
        <source>Any tag may be typed.</source>
        <translation>Jedes Tag kann eingegeben werden.</translation>
    </message>
    <message>
        <source>&amp;Roll back automatically when it fails after traffic moved</source>
        <translation>Automatisch &amp;zurückrollen, wenn es nach dem Umschalten des Datenverkehrs fehlschlägt</translation>
    </message>
    <message>
        <source>A tag deployed before, or any tag typed</source>
        <translation>Ein früher bereitgestelltes Tag oder ein beliebiges eingegebenes</translation>
    </message>
    <message>
        <source>&amp;Force (fields other managers own are taken, findings that can be forced do not stop it)</source>
        <translation>&amp;Erzwingen (Felder anderer Manager werden übernommen, erzwingbare Befunde halten nicht an)</translation>
    </message>
    <message>
        <source>&amp;Force (findings that can be forced do not stop it)</source>
        <translation>&amp;Erzwingen (erzwingbare Befunde halten nicht an)</translation>
    </message>
    <message>
        <source>Looking for the tags of %1 deployed before…</source>
        <translation>Suche die früher bereitgestellten Tags von %1…</translation>
    </message>
    <message>
        <source>A tag deployed before or in the registry, or any tag typed</source>
        <translation>Ein früher bereitgestelltes Tag, ein Tag aus der Registry oder ein beliebiges eingegebenes Tag</translation>
    </message>
    <message>
        <source>A tag of a local image of the application&apos;s repository or in its registry, or any tag typed</source>
        <translation>Ein Tag eines lokalen Images aus dem Repository der Anwendung oder aus dessen Registry oder ein beliebiges eingegebenes Tag</translation>
    </message>
    <message>
        <source>deployed before</source>
        <translation>früher bereitgestellt</translation>
    </message>
    <message>
        <source>local</source>
        <translation>lokal</translation>
    </message>
    <message>
        <source>%1 and registry</source>
        <translation>%1 und Registry</translation>
    </message>
    <message>
        <source>registry</source>
        <translation>Registry</translation>
    </message>
    <message>
        <source>%1, built %2</source>
        <translation>%1, erstellt %2</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentCellDelegate</name>
    <message>
        <source>r%1 · %2</source>
        <translation>r%1 · %2</translation>
    </message>
    <message>
        <source>Not deployed</source>
        <translation>Nicht ausgerollt</translation>
    </message>
    <message>
        <source>Running elsewhere: %1</source>
        <translation>Läuft anderswo: %1</translation>
    </message>
    <message>
        <source>%1, %2 by %3</source>
        <translation>%1, %2 von %3</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Asking for the status…</source>
        <translation>Frage den Status ab…</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentDialogBase</name>
    <message>
        <source>What will change:</source>
        <translation>Was sich ändert:</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>Abb&amp;rechen</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentHistoryModel</name>
    <message>
        <source>Rollback</source>
        <translation>Rollback</translation>
    </message>
    <message>
        <source>Deploy</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <source>r%1 → r%2 (%3)</source>
        <translation>r%1 → r%2 (%3)</translation>
    </message>
    <message>
        <source>r%1 (%2)</source>
        <translation>r%1 (%2)</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>Läuft: %1</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>Revision</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentMatrix</name>
    <message>
        <source>Initialized</source>
        <translation>Initialisiert</translation>
    </message>
    <message>
        <source>Validating</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Testing</source>
        <translation>Tests</translation>
    </message>
    <message>
        <source>Deploying</source>
        <translation>Ausrollen</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>Überwachung</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Rolling back</source>
        <translation>Rollback läuft</translation>
    </message>
    <message>
        <source>Rolled back</source>
        <translation>Zurückgerollt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <source>unhealthy</source>
        <translation>fehlerhaft</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>not deployed</source>
        <translation>nicht ausgerollt</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentMatrixModel</name>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>r%1 %2</source>
        <translation>r%1 %2</translation>
    </message>
    <message>
        <source>No live revision</source>
        <translation>Keine aktive Revision</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Live: revision %1 (%2)</source>
        <translation>Aktiv: Revision %1 (%2)</translation>
    </message>
    <message>
        <source>Health: %1, %2 of %3 replicas running</source>
        <translation>Zustand: %1, %2 von %3 Replikaten laufen</translation>
    </message>
    <message>
        <source>Traffic on the %1 group</source>
        <translation>Datenverkehr auf der Gruppe %1</translation>
    </message>
    <message>
        <source>Last change: %1 by %2</source>
        <translation>Letzte Änderung: %1 von %2</translation>
    </message>
    <message>
        <source>Host: %1</source>
        <translation>Host: %1</translation>
    </message>
    <message>
        <source>rollback to r%1</source>
        <translation>Rollback auf r%1</translation>
    </message>
    <message>
        <source>deploy r%1</source>
        <translation>Deployment r%1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 running</source>
        <translation>%1 läuft</translation>
    </message>
    <message>
        <source>r%1 %2 (%3)</source>
        <translation>r%1 %2 (%3)</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Rolling out: revision %1 (%2), %3</source>
        <translation>Wird ausgerollt: Revision %1 (%2), %3</translation>
    </message>
    <message>
        <source>Health: %1, %2 of %3 replicas of revision %4 running</source>
        <translation>Zustand: %1, %2 von %3 Replikaten der Revision %4 laufen</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentPreviewPane</name>
    <message>
        <source>Computing what will change…</source>
        <translation>Ermittle, was sich ändert …</translation>
    </message>
    <message>
        <source>No preview is available.</source>
        <translation>Keine Vorschau verfügbar.</translation>
    </message>
    <message>
        <source>From revision %1 (%2) to revision %3 (%4), %5.</source>
        <translation>Von Revision %1 (%2) auf Revision %3 (%4), %5.</translation>
    </message>
    <message>
        <source>First deployment: revision %1 (%2), %3.</source>
        <translation>Erstes Deployment: Revision %1 (%2), %3.</translation>
    </message>
    <message>
        <source>The application is unreachable while it switches.</source>
        <translation>Die Anwendung ist während des Umschaltens nicht erreichbar.</translation>
    </message>
    <message numerus="yes">
        <source>Earlier deployments took about %n second(s).</source>
        <translation>
            <numerusform>Frühere Deployments dauerten etwa %n Sekunde.</numerusform>
            <numerusform>Frühere Deployments dauerten etwa %n Sekunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <source>&lt;i&gt;The configuration does not change.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Die Konfiguration ändert sich nicht.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The preview failed: %1</source>
        <translation>Die Vorschau ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentProgressView</name>
    <message>
        <source>&amp;Cancel Deployment</source>
        <translation>Deployment abb&amp;rechen</translation>
    </message>
    <message>
        <source>&amp;Promote</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>%p%</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Before traffic moves the deployment stops and removes what it started; after, it rolls back</source>
        <translation>Bevor der Datenverkehr umgeschaltet ist, hält das Deployment an und entfernt, was es gestartet hat; danach rollt es zurück</translation>
    </message>
    <message>
        <source>Continue a canary paused for a decision</source>
        <translation>Einen für eine Entscheidung angehaltenen Canary fortsetzen</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Tests</source>
        <translation>Tests</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>No deployment selected</source>
        <translation>Kein Deployment ausgewählt</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>noch etwa %1</translation>
    </message>
    <message>
        <source>Taking longer than usual</source>
        <translation>Dauert länger als üblich</translation>
    </message>
    <message numerus="yes">
        <source>about %n second(s) left</source>
        <translation>
            <numerusform>noch etwa %n Sekunde</numerusform>
            <numerusform>noch etwa %n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Paused: waiting for Promote</source>
        <translation>Angehalten: wartet auf Freigabe</translation>
    </message>
    <message>
        <source>Rollback of %1 in %2 to r%3 (%4)</source>
        <translation>Rollback von %1 in %2 auf r%3 (%4)</translation>
    </message>
    <message>
        <source>Deploy of %1 to %2: r%3 (%4)</source>
        <translation>Deployment von %1 nach %2: r%3 (%4)</translation>
    </message>
    <message>
        <source>%1 after %2</source>
        <translation>%1 nach %2</translation>
    </message>
    <message>
        <source>Running elsewhere</source>
        <translation>Läuft anderswo</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentsController</name>
    <message>
        <source>Waiting for the workspace and the history…</source>
        <translation>Warte auf den Arbeitsbereich und den Verlauf …</translation>
    </message>
    <message>
        <source>Checking for deployments cut off earlier…</source>
        <translation>Suche nach früher abgebrochenen Deployments …</translation>
    </message>
    <message>
        <source>%1 in %2 was cut off while %3</source>
        <translation>%1 in %2 wurde abgebrochen bei: %3</translation>
    </message>
    <message>
        <source>still needs attention: %1</source>
        <translation>braucht noch Aufmerksamkeit: %1</translation>
    </message>
    <message>
        <source>Interrupted deployments were reconciled:
%1</source>
        <translation>Unterbrochene Deployments wurden bereinigt:
%1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
    <message>
        <source>Reading the deployments of %1 in %2…</source>
        <translation>Lese die Deployments von %1 in %2 …</translation>
    </message>
    <message>
        <source>No deployment of %1 in %2 yet</source>
        <translation>Noch kein Deployment von %1 in %2</translation>
    </message>
    <message>
        <source>A deployment of %1 in %2 is running already.</source>
        <translation>Ein Deployment von %1 in %2 läuft bereits.</translation>
    </message>
    <message>
        <source>Rollback of %1 in %2</source>
        <translation>Rollback von %1 in %2</translation>
    </message>
    <message>
        <source>Deploy of %1 %2 to %3</source>
        <translation>Deployment von %1 %2 nach %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>rollback: %1</source>
        <translation>Rollback: %1</translation>
    </message>
    <message>
        <source>deploy %1: %2</source>
        <translation>Deployment %1: %2</translation>
    </message>
</context>
<context>
    <name>launchdeck::DeploymentsTab</name>
    <message>
        <source>&amp;Deploy…</source>
        <translation>A&amp;usrollen …</translation>
    </message>
    <message>
        <source>R&amp;ollback…</source>
        <translation>&amp;Zurückrollen …</translation>
    </message>
    <message>
        <source>Waiting for the workspace and the history…</source>
        <translation>Warte auf den Arbeitsbereich und den Verlauf …</translation>
    </message>
    <message>
        <source>Deploy a version of an application to an environment</source>
        <translation>Eine Version einer Anwendung in eine Umgebung ausrollen</translation>
    </message>
    <message>
        <source>Return the selected application and environment to an earlier revision</source>
        <translation>Die ausgewählte Anwendung in der ausgewählten Umgebung auf eine frühere Revision zurücksetzen</translation>
    </message>
    <message>
        <source>History of the selected cell</source>
        <translation>Verlauf der ausgewählten Zelle</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
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
    <name>launchdeck::DockerBuildDialog</name>
    <message>
        <source>Build an image on %1</source>
        <translation>Image auf %1 erstellen</translation>
    </message>
    <message>
        <source>no host</source>
        <translation>kein Host</translation>
    </message>
    <message>
        <source>The build context: a folder with a Dockerfile</source>
        <translation>Der Build-Kontext: ein Ordner mit einem Dockerfile</translation>
    </message>
    <message>
        <source>Relative to the folder</source>
        <translation>Relativ zum Ordner</translation>
    </message>
    <message>
        <source>name:tag, another/name:tag</source>
        <translation>name:tag, weiterer/name:tag</translation>
    </message>
    <message>
        <source>KEY=VALUE, one a line</source>
        <translation>SCHLÜSSEL=WERT, einer pro Zeile</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>&amp;Dockerfile:</source>
        <translation>&amp;Dockerfile:</translation>
    </message>
    <message>
        <source>&amp;Tags:</source>
        <translation>&amp;Tags:</translation>
    </message>
    <message>
        <source>Build &amp;arguments:</source>
        <translation>Build-&amp;Argumente:</translation>
    </message>
    <message>
        <source>&amp;Build</source>
        <translation>&amp;Erstellen</translation>
    </message>
    <message>
        <source>Build context</source>
        <translation>Build-Kontext</translation>
    </message>
    <message>
        <source>choose the folder to build</source>
        <translation>wählen Sie den Ordner für den Build</translation>
    </message>
    <message>
        <source>build argument on line %1 is not KEY=VALUE: %2</source>
        <translation>Build-Argument in Zeile %1 hat nicht die Form SCHLÜSSEL=WERT: %2</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Building %1…</source>
        <translation>%1 wird erstellt …</translation>
    </message>
    <message>
        <source>Build cancelled.</source>
        <translation>Build abgebrochen.</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Built %1</source>
        <translation>%1 erstellt</translation>
    </message>
    <message>
        <source>B&amp;rowse…</source>
        <translation>Du&amp;rchsuchen …</translation>
    </message>
    <message>
        <source>Do not &amp;use the cache</source>
        <translation>&amp;Cache nicht verwenden</translation>
    </message>
    <message>
        <source>Ca&amp;ncel build</source>
        <translation>Build a&amp;bbrechen</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>&amp;Push after build</source>
        <translation>Nach dem Build &amp;pushen</translation>
    </message>
    <message>
        <source>Give a tag that names a registry (registry.example.com:5000/shop/web:1.0) to push it</source>
        <translation>Zum Pushen ein Tag angeben, das eine Registry nennt (registry.example.com:5000/shop/web:1.0)</translation>
    </message>
    <message>
        <source>Pushes %1 with the credentials docker login stored</source>
        <translation>Pusht %1 mit den Zugangsdaten, die docker login gespeichert hat</translation>
    </message>
    <message>
        <source>Built %1; %2</source>
        <translation>%1 erstellt; %2</translation>
    </message>
    <message>
        <source>Pushing %1…</source>
        <translation>%1 wird gepusht …</translation>
    </message>
    <message>
        <source>Built %1; pushing %2…</source>
        <translation>%1 erstellt; %2 wird gepusht …</translation>
    </message>
    <message>
        <source>Pushed %1: %2</source>
        <translation>%1 gepusht: %2</translation>
    </message>
    <message>
        <source>pushed %1</source>
        <translation>%1 gepusht</translation>
    </message>
    <message>
        <source>push of %1 failed: %2</source>
        <translation>Push von %1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerContainersModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1 % of the limit</source>
        <translation>%1 % des Limits</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>vor %1 Min.</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>vor %1 Std.</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>gestern</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>vor %1 Tagen</translation>
    </message>
    <message>
        <source>%1 months ago</source>
        <translation>vor %1 Monaten</translation>
    </message>
    <message>
        <source>%1 years ago</source>
        <translation>vor %1 Jahren</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerContainersPage</name>
    <message>
        <source>&amp;Running only</source>
        <translation>Nur &amp;laufende</translation>
    </message>
    <message>
        <source>Filter by name, image or id…</source>
        <translation>Nach Name, Image oder ID filtern …</translation>
    </message>
    <message>
        <source>Start the selected containers</source>
        <translation>Die ausgewählten Container starten</translation>
    </message>
    <message>
        <source>Stop the selected containers</source>
        <translation>Die ausgewählten Container stoppen</translation>
    </message>
    <message>
        <source>Restart the selected containers</source>
        <translation>Die ausgewählten Container neu starten</translation>
    </message>
    <message>
        <source>Freeze the selected containers&apos; processes</source>
        <translation>Die Prozesse der ausgewählten Container einfrieren</translation>
    </message>
    <message>
        <source>Resume paused containers</source>
        <translation>Pausierte Container fortsetzen</translation>
    </message>
    <message>
        <source>Rename the container</source>
        <translation>Den Container umbenennen</translation>
    </message>
    <message>
        <source>Remove the selected containers</source>
        <translation>Die ausgewählten Container entfernen</translation>
    </message>
    <message>
        <source>Show the container&apos;s configuration</source>
        <translation>Die Konfiguration des Containers anzeigen</translation>
    </message>
    <message>
        <source>Follow the container&apos;s logs</source>
        <translation>Die Logs des Containers verfolgen</translation>
    </message>
    <message>
        <source>Start %1</source>
        <translation>Starten von %1</translation>
    </message>
    <message>
        <source>Stop %1</source>
        <translation>Stoppen von %1</translation>
    </message>
    <message>
        <source>Restart %1</source>
        <translation>Neustart von %1</translation>
    </message>
    <message>
        <source>Pause %1</source>
        <translation>Pausieren von %1</translation>
    </message>
    <message>
        <source>Unpause %1</source>
        <translation>Fortsetzen von %1</translation>
    </message>
    <message>
        <source>Rename Container</source>
        <translation>Container umbenennen</translation>
    </message>
    <message>
        <source>New name for %1:</source>
        <translation>Neuer Name für %1:</translation>
    </message>
    <message>
        <source>Rename %1 to %2</source>
        <translation>Umbenennen von %1 in %2</translation>
    </message>
    <message>
        <source>Remove Containers</source>
        <translation>Container entfernen</translation>
    </message>
    <message>
        <source>Remove the container %1?</source>
        <translation>Den Container %1 entfernen?</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n containers: %1?</source>
        <translation>
            <numerusform>%n Container entfernen: %1?</numerusform>
            <numerusform>%n Container entfernen: %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>Their file systems are deleted; volumes are kept.</source>
        <translation>Die Dateisysteme werden gelöscht; Volumes bleiben erhalten.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>%1 still running. Force removal kills the processes first.</source>
        <translation>%1 noch. Erzwungenes Entfernen beendet zuerst die Prozesse.</translation>
    </message>
    <message>
        <source>%1 is</source>
        <translation>%1 läuft</translation>
    </message>
    <message>
        <source>%1 are</source>
        <translation>%1 laufen</translation>
    </message>
    <message>
        <source>Force Remove</source>
        <translation>Entfernen erzwingen</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>Entfernen von %1</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>R&amp;estart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;Unpause</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>&amp;Umbenennen …</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>Unte&amp;rsuchen</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Logs</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerImagesModel</name>
    <message>
        <source>Repository:tag</source>
        <translation>Repository:Tag</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>&lt;none&gt;</source>
        <translation>&lt;keine&gt;</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerImagesPage</name>
    <message>
        <source>Remove the selected images</source>
        <translation>Die ausgewählten Images entfernen</translation>
    </message>
    <message>
        <source>Build an image from a Dockerfile in the workspace</source>
        <translation>Ein Image aus einem Dockerfile im Arbeitsbereich erstellen</translation>
    </message>
    <message>
        <source>Remove Images</source>
        <translation>Images entfernen</translation>
    </message>
    <message>
        <source>Remove %1?</source>
        <translation>%1 entfernen?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Force: also untag images that containers still use</source>
        <translation>Erzwingen: auch Tags von Images entfernen, die Container noch verwenden</translation>
    </message>
    <message>
        <source>Remove image %1</source>
        <translation>Entfernen des Images %1</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <source>&amp;Build image…</source>
        <translation>&amp;Image erstellen …</translation>
    </message>
    <message>
        <source>&amp;Pull image…</source>
        <translation>Image &amp;pullen …</translation>
    </message>
    <message>
        <source>&amp;Log in to registry…</source>
        <translation>Bei der Registry &amp;anmelden …</translation>
    </message>
    <message>
        <source>Pull an image from its registry</source>
        <translation>Ein Image aus seiner Registry pullen</translation>
    </message>
    <message>
        <source>Keep a registry&apos;s user name and password in the keyring, where pulls, pushes and deployments find them</source>
        <translation>Benutzername und Passwort einer Registry im Schlüsselbund ablegen, wo Pulls, Pushes und Deployments sie finden</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerInspectDialog</name>
    <message>
        <source>Inspect %1</source>
        <translation>%1 untersuchen</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerNetworksModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Treiber</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerPanel</name>
    <message>
        <source>Try to reach the daemon now instead of waiting</source>
        <translation>Den Daemon sofort zu erreichen versuchen, statt zu warten</translation>
    </message>
    <message>
        <source>No Docker host: the workspace&apos;s targets name none.</source>
        <translation>Kein Docker-Host: Die Ziele des Arbeitsbereichs nennen keinen.</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>Ressourcen</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>Container</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>Networks</source>
        <translation>Netzwerke</translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation>Volumes</translation>
    </message>
    <message>
        <source>Inspect %1</source>
        <translation>Untersuchen von %1</translation>
    </message>
    <message>
        <source>Connecting to %1 (%2)…</source>
        <translation>Verbindung zu %1 (%2) wird hergestellt …</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>verbindet …</translation>
    </message>
    <message>
        <source>Connected to %1 (%2): Docker Engine %3, API %4</source>
        <translation>Verbunden mit %1 (%2): Docker Engine %3, API %4</translation>
    </message>
    <message>
        <source>Docker %1</source>
        <translation>Docker %1</translation>
    </message>
    <message>
        <source>retry %1 in %2 s</source>
        <translation>Versuch %1 in %2 s</translation>
    </message>
    <message>
        <source>disconnected — %1</source>
        <translation>getrennt — %1</translation>
    </message>
    <message>
        <source>Disconnected from %1 (%2)%3. Showing the last known state; %4.</source>
        <translation>Verbindung zu %1 (%2) getrennt%3. Der letzte bekannte Stand wird angezeigt; %4.</translation>
    </message>
    <message>
        <source>Containers (%1 running of %2)</source>
        <translation>Container (%1 von %2 laufend)</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>Images (%1)</translation>
    </message>
    <message>
        <source>Networks (%1)</source>
        <translation>Netzwerke (%1)</translation>
    </message>
    <message>
        <source>Volumes (%1)</source>
        <translation>Volumes (%1)</translation>
    </message>
    <message>
        <source>No Docker host configured.</source>
        <translation>Kein Docker-Host konfiguriert.</translation>
    </message>
    <message>
        <source>Choose a Docker host.</source>
        <translation>Wählen Sie einen Docker-Host.</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Logs: %1</source>
        <translation>Logs: %1</translation>
    </message>
    <message>
        <source>Retry &amp;now</source>
        <translation>&amp;Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>%1 on %2 (%3 closes the tab)</source>
        <translation>%1 auf %2 (%3 schließt den Tab)</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerPullDialog</name>
    <message>
        <source>Pull an image to %1</source>
        <translation>Image auf %1 pullen</translation>
    </message>
    <message>
        <source>no host</source>
        <translation>kein Host</translation>
    </message>
    <message>
        <source>registry.example.com:5000/shop/web:1.0</source>
        <translation>registry.example.com:5000/shop/web:1.0</translation>
    </message>
    <message>
        <source>An image reference; without a tag, latest. The registry&apos;s credentials are those docker login stored.</source>
        <translation>Eine Image-Referenz; ohne Tag wird latest verwendet. Als Zugangsdaten der Registry gelten die, die docker login gespeichert hat.</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Image:</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Layer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>&amp;Pull</source>
        <translation>&amp;Pullen</translation>
    </message>
    <message>
        <source>Ca&amp;ncel pull</source>
        <translation>Pull a&amp;bbrechen</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Pulling %1…</source>
        <translation>%1 wird gepullt …</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Waiting for the registry…</source>
        <translation>Warten auf die Registry …</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n layer(s) complete</source>
        <translation>
            <numerusform>%1 von %n Layer abgeschlossen</numerusform>
            <numerusform>%1 von %n Layern abgeschlossen</numerusform>
        </translation>
    </message>
    <message>
        <source>, %1 of %2 downloaded</source>
        <translation>, %1 von %2 heruntergeladen</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Digest: %1</source>
        <translation>Digest: %1</translation>
    </message>
    <message>
        <source>Pulled %1</source>
        <translation>%1 gepullt</translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerStatusLabel</name>
    <message>
        <source>%1: Docker %2, API %3</source>
        <translation>%1: Docker %2, API %3</translation>
    </message>
    <message>
        <source>%1: connecting</source>
        <translation>%1: Verbindung wird hergestellt</translation>
    </message>
    <message>
        <source>%1 disconnected, retry %2 in %3 s (&lt;a href=&quot;%4&quot;&gt;retry now&lt;/a&gt;)</source>
        <translation>%1 getrennt, Versuch %2 in %3 s (&lt;a href=&quot;%4&quot;&gt;jetzt erneut versuchen&lt;/a&gt;)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Docker: %1</source>
        <translation>Docker: %1</translation>
    </message>
    <message>
        <source>Docker: connecting…</source>
        <translation>Docker: Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <source>Docker: %1 connected</source>
        <translation>Docker: %1 verbunden</translation>
    </message>
    <message numerus="yes">
        <source>Docker: %n host(s) connected</source>
        <translation>
            <numerusform>Docker: %n Host verbunden</numerusform>
            <numerusform>Docker: %n Hosts verbunden</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>launchdeck::DockerVolumesModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Treiber</translation>
    </message>
    <message>
        <source>Mount point</source>
        <translation>Einhängepunkt</translation>
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
    <name>launchdeck::EditorDocument</name>
    <message>
        <source>Could not open %1</source>
        <translation>%1 konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Could not save %1</source>
        <translation>%1 konnte nicht gespeichert werden</translation>
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
        <source>Add a variable</source>
        <translation>Eine Variable hinzufügen</translation>
    </message>
    <message>
        <source>Remove the selected variables</source>
        <translation>Die ausgewählten Variablen entfernen</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>H&amp;inzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>En&amp;tfernen</translation>
    </message>
</context>
<context>
    <name>launchdeck::FindReplaceBar</name>
    <message>
        <source>Replace:</source>
        <translation>Ersetzen:</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
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
    <message>
        <source>&amp;Match case</source>
        <translation>&amp;Groß-/Kleinschreibung beachten</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>&amp;Ersetzen</translation>
    </message>
    <message>
        <source>Replace &amp;All</source>
        <translation>A&amp;lle ersetzen</translation>
    </message>
    <message>
        <source>Find &amp;previous</source>
        <translation>&amp;Vorheriges suchen</translation>
    </message>
    <message>
        <source>Find previous (%1 or %2)</source>
        <translation>Vorheriges suchen (%1 oder %2)</translation>
    </message>
    <message>
        <source>Find ne&amp;xt</source>
        <translation>&amp;Nächstes suchen</translation>
    </message>
    <message>
        <source>Find next (%1 or %2)</source>
        <translation>Nächstes suchen (%1 oder %2)</translation>
    </message>
</context>
<context>
    <name>launchdeck::InfrastructureTab</name>
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
    <message>
        <source>&amp;Workspace</source>
        <translation>A&amp;rbeitsbereich</translation>
    </message>
    <message>
        <source>&amp;Docker</source>
        <translation>D&amp;ocker</translation>
    </message>
    <message>
        <source>Edit and validate the workspace&apos;s templates and manifests</source>
        <translation>Die Vorlagen und Manifeste des Arbeitsbereichs bearbeiten und validieren</translation>
    </message>
    <message>
        <source>Browse and act on the workspace&apos;s Docker hosts</source>
        <translation>Die Docker-Hosts des Arbeitsbereichs durchsuchen und verwalten</translation>
    </message>
    <message>
        <source>E&amp;nvironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>Browse and act on the workspace&apos;s Kubernetes clusters</source>
        <translation>Die Kubernetes-Cluster des Arbeitsbereichs durchsuchen und bedienen</translation>
    </message>
    <message>
        <source>Cl&amp;usters</source>
        <translation>Cl&amp;uster</translation>
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
        <source>Fo&amp;llow</source>
        <translation>&amp;Mitlaufen</translation>
    </message>
    <message>
        <source>Previou&amp;s match</source>
        <translation>&amp;Vorheriger Treffer</translation>
    </message>
    <message>
        <source>Ne&amp;xt match</source>
        <translation>&amp;Nächster Treffer</translation>
    </message>
    <message>
        <source>Next match (%1, or Enter in the search field)</source>
        <translation>Nächster Treffer (%1 oder Eingabetaste im Suchfeld)</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected lines (%1 in the lines)</source>
        <translation>Die ausgewählten Zeilen kopieren (%1 in den Zeilen)</translation>
    </message>
</context>
<context>
    <name>launchdeck::MainWindow</name>
    <message>
        <source>%1 has %2 and %3 running.</source>
        <translation>In %1 laufen %2 und %3.</translation>
    </message>
    <message numerus="yes">
        <source>%n deployment(s)</source>
        <translation>
            <numerusform>%n Deployment</numerusform>
            <numerusform>%n Deployments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pipeline run(s)</source>
        <translation>
            <numerusform>%n Pipeline-Lauf</numerusform>
            <numerusform>%n Pipeline-Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Keep Them Running</source>
        <translation>&amp;Weiterlaufen lassen</translation>
    </message>
    <message>
        <source>&amp;Cancel Them</source>
        <translation>Vorgänge a&amp;bbrechen</translation>
    </message>
    <message>
        <source>The work of %1 is being cancelled.</source>
        <translation>Die laufenden Vorgänge von %1 werden abgebrochen.</translation>
    </message>
    <message>
        <source>The work of %1 goes on until it ends.</source>
        <translation>Die laufenden Vorgänge von %1 laufen bis zu ihrem Ende weiter.</translation>
    </message>
    <message>
        <source>A deployment cancelled after traffic moved rolls back first.</source>
        <translation>Ein Deployment, das nach dem Umschalten des Datenverkehrs abgebrochen wird, wird zuerst zurückgerollt.</translation>
    </message>
    <message>
        <source>&amp;Stay in This Workspace</source>
        <translation>In diesem Arbeitsbereich b&amp;leiben</translation>
    </message>
    <message>
        <source>Keep the Window &amp;Open</source>
        <translation>Fenster &amp;offen lassen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>%1 and %2 are running.</source>
        <translation>%1 und %2 laufen.</translation>
    </message>
    <message>
        <source>&amp;Wait for Them</source>
        <translation>Auf ihr Ende &amp;warten</translation>
    </message>
    <message>
        <source>&amp;Leave Them to the Next Start</source>
        <translation>Dem nächsten &amp;Start überlassen</translation>
    </message>
    <message>
        <source>Launchdeck closes once the running work has ended…</source>
        <translation>Launchdeck wird beendet, sobald die laufenden Vorgänge abgeschlossen sind …</translation>
    </message>
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
        <translation>Zu&amp;rücksetzen</translation>
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
    <message>
        <source>Live Metrics</source>
        <translation>Live-Metriken</translation>
    </message>
    <message>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Next Tab</source>
        <translation>&amp;Nächster Tab</translation>
    </message>
    <message>
        <source>P&amp;revious Tab</source>
        <translation>&amp;Vorheriger Tab</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Log In to &amp;Registry…</source>
        <translation>Bei der Registry &amp;anmelden …</translation>
    </message>
</context>
<context>
    <name>launchdeck::MetricsChart</name>
    <message>
        <source>start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>die</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>OOM kill</source>
        <translation>OOM-Kill</translation>
    </message>
    <message>
        <source>deploy</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>Rollback</translation>
    </message>
</context>
<context>
    <name>launchdeck::MetricsPicker</name>
    <message>
        <source>Filter containers</source>
        <translation>Container filtern</translation>
    </message>
</context>
<context>
    <name>launchdeck::MetricsTab</name>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Network (rx solid, tx dashed)</source>
        <translation>Netzwerk (rx durchgezogen, tx gestrichelt)</translation>
    </message>
    <message>
        <source>1 m</source>
        <translation>1 min</translation>
    </message>
    <message>
        <source>5 m</source>
        <translation>5 min</translation>
    </message>
    <message>
        <source>15 m</source>
        <translation>15 min</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 h</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>%1: connecting…</source>
        <translation>%1: Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <source>%1: disconnected — retry %2 in %3 s</source>
        <translation>%1: getrennt — Versuch %2 in %3 s</translation>
    </message>
    <message>
        <source>%1: disconnected — retry %2 now</source>
        <translation>%1: getrennt — Versuch %2 jetzt</translation>
    </message>
    <message>
        <source>Export charts</source>
        <translation>Diagramme exportieren</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Export samples</source>
        <translation>Messwerte exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Export P&amp;NG…</source>
        <translation>P&amp;NG exportieren …</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>&amp;CSV exportieren …</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>&amp;Zeitfenster:</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>Container</translation>
    </message>
    <message>
        <source>Dashboards</source>
        <translation>Dashboards</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>launchdeck::PipelinesTab</name>
    <message>
        <source>&amp;Run</source>
        <translation>A&amp;usführen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>Abb&amp;rechen</translation>
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
    <message>
        <source>Re-r&amp;un</source>
        <translation>&amp;Erneut ausführen</translation>
    </message>
    <message>
        <source>Re-run F&amp;ailed Steps</source>
        <translation>&amp;Fehlgeschlagene Schritte erneut ausführen</translation>
    </message>
</context>
<context>
    <name>launchdeck::PodLogView</name>
    <message>
        <source>&amp;Previous</source>
        <translation>&amp;Vorheriger Lauf</translation>
    </message>
    <message>
        <source>Follow &amp;new lines</source>
        <translation>&amp;Neuen Zeilen folgen</translation>
    </message>
    <message>
        <source>The log of %1 ended.</source>
        <translation>Das Log von %1 ist beendet.</translation>
    </message>
    <message numerus="yes">
        <source>The logs of %n pods ended.</source>
        <translation>
            <numerusform>Das Log von %n Pod ist beendet.</numerusform>
            <numerusform>Die Logs von %n Pods sind beendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>The container whose log is read</source>
        <translation>Der Container, dessen Log gelesen wird</translation>
    </message>
    <message>
        <source>Default container</source>
        <translation>Standard-Container</translation>
    </message>
    <message>
        <source>Show the lines of one pod or of all</source>
        <translation>Die Zeilen eines Pods oder aller anzeigen</translation>
    </message>
    <message>
        <source>All pods</source>
        <translation>Alle Pods</translation>
    </message>
    <message>
        <source>Read the log of the previous, terminated container</source>
        <translation>Das Log des vorherigen, beendeten Containers lesen</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>Alle Zeilen</translation>
    </message>
    <message>
        <source>Last %1 lines</source>
        <translation>Letzte %1 Zeilen</translation>
    </message>
    <message>
        <source>How much of the existing log to read</source>
        <translation>Wie viel des vorhandenen Logs gelesen wird</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Beliebige Zeit</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>Letzte 5 Minuten</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Only the lines written since then</source>
        <translation>Nur die seitdem geschriebenen Zeilen</translation>
    </message>
    <message>
        <source>Keep the stream open and show new lines as they are written</source>
        <translation>Den Stream offen halten und neue Zeilen zeigen, sobald sie geschrieben werden</translation>
    </message>
    <message>
        <source>Show the time the container wrote each line</source>
        <translation>Die Zeit zeigen, zu der der Container jede Zeile schrieb</translation>
    </message>
    <message numerus="yes">
        <source>Last %n seconds</source>
        <translation>
            <numerusform>Letzte %n Sekunde</numerusform>
            <numerusform>Letzte %n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <source>No pod to read the log of.</source>
        <translation>Kein Pod, dessen Log gelesen werden könnte.</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen …</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n pods…</source>
        <translation>
            <numerusform>%n Pod wird gelesen …</numerusform>
            <numerusform>%n Pods werden gelesen …</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for %1 to connect…</source>
        <translation>Warten auf die Verbindung zu %1 …</translation>
    </message>
    <message>
        <source>%1 is unreachable (%2); reconnecting…</source>
        <translation>%1 ist nicht erreichbar (%2); Verbindung wird wiederhergestellt …</translation>
    </message>
    <message>
        <source>Following %1</source>
        <translation>Folge %1</translation>
    </message>
    <message>
        <source>Reading the log of %1</source>
        <translation>Das Log von %1 wird gelesen</translation>
    </message>
    <message numerus="yes">
        <source>Following %n pods</source>
        <translation>
            <numerusform>Folge %n Pod</numerusform>
            <numerusform>Folge %n Pods</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reading the logs of %n pods</source>
        <translation>
            <numerusform>Das Log von %n Pod wird gelesen</numerusform>
            <numerusform>Die Logs von %n Pods werden gelesen</numerusform>
        </translation>
    </message>
    <message>
        <source> (container %1)</source>
        <translation> (Container %1)</translation>
    </message>
    <message>
        <source>, previous run</source>
        <translation>, vorheriger Lauf</translation>
    </message>
    <message>
        <source> — reading again…</source>
        <translation> — wird erneut gelesen …</translation>
    </message>
</context>
<context>
    <name>launchdeck::PodMetricsSource</name>
    <message>
        <source>%1: no metrics API (metrics-server is not installed)</source>
        <translation>%1: keine Metrics-API (metrics-server ist nicht installiert)</translation>
    </message>
    <message>
        <source>%1: reading pod metrics failed, retry %2</source>
        <translation>%1: Lesen der Pod-Metriken fehlgeschlagen, Versuch %2</translation>
    </message>
    <message>
        <source>%1: some pod metrics could not be read</source>
        <translation>%1: einige Pod-Metriken konnten nicht gelesen werden</translation>
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
        <source>Fil&amp;ter:</source>
        <translation>Fil&amp;ter:</translation>
    </message>
    <message>
        <source>Error&amp;s (%1)</source>
        <translation>&amp;Fehler (%1)</translation>
    </message>
    <message>
        <source>Warnin&amp;gs (%1)</source>
        <translation>&amp;Warnungen (%1)</translation>
    </message>
    <message>
        <source>Inf&amp;o (%1)</source>
        <translation>H&amp;inweise (%1)</translation>
    </message>
</context>
<context>
    <name>launchdeck::PromQlPanel</name>
    <message>
        <source>No Prometheus server</source>
        <translation>Kein Prometheus-Server</translation>
    </message>
    <message>
        <source>Prometheus at %1 refused the query: %2</source>
        <translation>Prometheus unter %1 hat die Abfrage abgelehnt: %2</translation>
    </message>
    <message>
        <source>Prometheus at %1 is not answering: %2; retrying in %3 s</source>
        <translation>Prometheus unter %1 antwortet nicht: %2; neuer Versuch in %3 s</translation>
    </message>
    <message>
        <source>Prometheus at %1 is not answering: %2; retrying now</source>
        <translation>Prometheus unter %1 antwortet nicht: %2; neuer Versuch läuft</translation>
    </message>
</context>
<context>
    <name>launchdeck::PromQlQueryBar</name>
    <message>
        <source>PromQL query, e.g. rate(http_requests_total[1m]) — Enter draws it</source>
        <translation>PromQL-Abfrage, z. B. rate(http_requests_total[1m]) — die Eingabetaste zeichnet sie</translation>
    </message>
</context>
<context>
    <name>launchdeck::ProtectionField</name>
    <message>
        <source>%1 is a protected environment. Type its &amp;name to confirm:</source>
        <translation>%1 ist eine geschützte Umgebung. Zur Bestätigung ihren &amp;Namen eingeben:</translation>
    </message>
</context>
<context>
    <name>launchdeck::RegistryLoginDialog</name>
    <message>
        <source>Insecure registry (plain HTTP)</source>
        <translation>Unsichere Registry (unverschlüsseltes HTTP)</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Log in to a registry</source>
        <translation>Bei einer Registry anmelden</translation>
    </message>
    <message>
        <source>For a registry the Docker daemon lists among its insecure registries</source>
        <translation>Für eine Registry, die der Docker-Daemon unter seinen unsicheren Registrys führt</translation>
    </message>
    <message>
        <source>Remove this registry&apos;s credentials from the keyring</source>
        <translation>Die Zugangsdaten dieser Registry aus dem Schlüsselbund entfernen</translation>
    </message>
    <message>
        <source>&amp;Registry:</source>
        <translation>&amp;Registry:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Checking the password with %1…</source>
        <translation>Passwort wird bei %1 geprüft …</translation>
    </message>
    <message>
        <source>Removing the credentials for %1…</source>
        <translation>Zugangsdaten für %1 werden entfernt …</translation>
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
    <name>launchdeck::RollbackDialog</name>
    <message>
        <source>&amp;Preserve data (keep the volumes of removed containers)</source>
        <translation>Daten &amp;bewahren (Volumes entfernter Container behalten)</translation>
    </message>
    <message>
        <source>&amp;Force (high findings do not stop it; critical ones still do)</source>
        <translation>&amp;Erzwingen (hohe Befunde halten es nicht auf, kritische weiterhin)</translation>
    </message>
    <message>
        <source>C&amp;lean up the containers of the revision rolled away from</source>
        <translation>Container der verlassenen Revision a&amp;ufräumen</translation>
    </message>
    <message>
        <source>Roll Back %1 in %2</source>
        <translation>%1 in %2 zurückrollen</translation>
    </message>
    <message>
        <source>The previous revision</source>
        <translation>Die vorherige Revision</translation>
    </message>
    <message>
        <source>Why it is rolled back (required)</source>
        <translation>Warum zurückgerollt wird (erforderlich)</translation>
    </message>
    <message>
        <source>&amp;Roll Back</source>
        <translation>&amp;Zurückrollen</translation>
    </message>
    <message>
        <source>Live now:</source>
        <translation>Jetzt aktiv:</translation>
    </message>
    <message>
        <source>revision %1 (%2)</source>
        <translation>Revision %1 (%2)</translation>
    </message>
    <message>
        <source>no live revision</source>
        <translation>keine aktive Revision</translation>
    </message>
    <message>
        <source>Return &amp;to:</source>
        <translation>Zurück &amp;auf:</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Optionen:</translation>
    </message>
    <message>
        <source>Revision %1 (%2)</source>
        <translation>Revision %1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Force (high findings do not stop it, fields other managers own are taken; critical findings still stop it)</source>
        <translation>&amp;Erzwingen (hohe Befunde halten nicht an, Felder anderer Manager werden übernommen; kritische Befunde halten weiterhin an)</translation>
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
    <message>
        <source>&amp;Open Folder</source>
        <translation>&amp;Ordner öffnen</translation>
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
    <name>launchdeck::SilenceDialog</name>
    <message>
        <source>30 minutes</source>
        <translation>30 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>2 hours</source>
        <translation>2 Stunden</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 Stunden</translation>
    </message>
    <message>
        <source>8 hours</source>
        <translation>8 Stunden</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>3 days</source>
        <translation>3 Tage</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1 Woche</translation>
    </message>
    <message>
        <source>Silence Alerts in %1</source>
        <translation>Alarme in %1 stummschalten</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>Regex</translation>
    </message>
    <message>
        <source>Why, and what is being done about it</source>
        <translation>Warum, und was dagegen unternommen wird</translation>
    </message>
    <message>
        <source>Duration:</source>
        <translation>Dauer:</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Kommentar:</translation>
    </message>
    <message>
        <source>Created by:</source>
        <translation>Erstellt von:</translation>
    </message>
    <message>
        <source>Alerts matching every checked label are silenced:</source>
        <translation>Alarme, auf die alle angehakten Labels zutreffen, werden stummgeschaltet:</translation>
    </message>
    <message>
        <source>&amp;Silence</source>
        <translation>&amp;Stummschalten</translation>
    </message>
</context>
<context>
    <name>launchdeck::SilencesModel</name>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Matchers</source>
        <translation>Matcher</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Kommentar</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>Erstellt von</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
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
