# Settings every Launchdeck target shares: language level, warnings as errors, Qt's strictness.
add_library(launchdeck_settings INTERFACE)
target_compile_features(launchdeck_settings INTERFACE cxx_std_20)
target_compile_definitions(launchdeck_settings INTERFACE
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)
target_compile_options(launchdeck_settings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wno-missing-field-initializers)
target_compile_definitions(launchdeck_settings INTERFACE LAUNCHDECK_VERSION="${PROJECT_VERSION}")
