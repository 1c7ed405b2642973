# What `cmake --graphviz` draws for docs/architecture.md: Launchdeck's own libraries and
# programs, without the external packages, tests, benchmarks and fuzzers around them.
set(GRAPHVIZ_GRAPH_NAME "launchdeck")
set(GRAPHVIZ_EXTERNAL_LIBS OFF)
set(GRAPHVIZ_GENERATE_PER_TARGET OFF)
set(GRAPHVIZ_GENERATE_DEPENDERS OFF)
set(GRAPHVIZ_IGNORE_TARGETS "launchdeck_settings;launchdeck_services;launchdeck_ui_resources.*;.*_autogen.*;tst_.*;bench_.*;fuzz_.*;launchdeck_test_.*")
