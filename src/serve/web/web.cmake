# SPDX-License-Identifier: MIT
# include()d by the top CMakeLists.txt (the custom command must be in the
# directory of its target, dd_serve).
# The dashboard's pages (issue 17, docs/dashboard.md): the files of this
# folder turned into C arrays at build time by CMake itself (embed.cmake),
# compiled into dd_serve and served by src/serve/web.c. No other tool.
set(DD_WEB_FILES
    ${CMAKE_CURRENT_LIST_DIR}/index.html
    ${CMAKE_CURRENT_LIST_DIR}/app.css
    ${CMAKE_CURRENT_LIST_DIR}/app.js)
set(DD_WEB_C ${CMAKE_BINARY_DIR}/dd_web_assets.c)
add_custom_command(
  OUTPUT ${DD_WEB_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${DD_WEB_C} "-DFILES=${DD_WEB_FILES}"
          -P ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  DEPENDS ${DD_WEB_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  COMMENT "Embedding the dashboard's pages"
  VERBATIM)
target_sources(dd_serve PRIVATE ${DD_WEB_C})
