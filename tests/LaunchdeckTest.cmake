# launchdeck_add_test(NAME SOURCES file... LIBS target... [LABELS label...])
# Builds a Qt Test program and registers it with CTest, headless.
function(launchdeck_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test launchdeck_settings)
    target_compile_definitions(${name} PRIVATE
        LAUNCHDECK_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data"
        LAUNCHDECK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8"
        TIMEOUT 300
        LABELS "${ARG_LABELS}")
endfunction()
