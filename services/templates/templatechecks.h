// Checks across the resources of a template, run once the whole file has been read.
#pragma once

#include "templates/template.h"

namespace launchdeck::templates {

// Dependencies, networks, volumes, routes and scrape targets name resources of the right type
// (rules unknown-dependency, unknown-resource, wrong-resource-type).
void checkTemplateReferences(const InfraTemplate& tmpl, Diagnostics& out);
// Dependencies form no cycle (rule dependency-cycle), reported where the cycle closes.
void checkDependencyCycles(const InfraTemplate& tmpl, Diagnostics& out);

} // namespace launchdeck::templates
