# The dashboard's front-end bundle: npm ci + esbuild at build time, then
# embedded as web_assets.cc (${web_assets_cc}). Included by
# dashboard/server/CMakeLists.txt: a custom command's output can only be a
# source of targets in the directory that defines it.
# Node.js and npm are build tools only: nothing is fetched when the binary
# runs. scripts/install-deps.sh installs them (Debian 12: nodejs npm).
find_program(SWEEP_NPM npm)
find_program(SWEEP_NODE NAMES node nodejs)
if(NOT SWEEP_NPM OR NOT SWEEP_NODE)
  message(FATAL_ERROR
    "The dashboard front-end (dashboard/web) is bundled at build time and needs Node.js and npm: "
    "run scripts/install-deps.sh (or `apt-get install nodejs npm`). "
    "Offline builds need the packages in npm's cache (~/.npm) from an earlier `npm ci`.")
endif()

set(web_src ${PROJECT_SOURCE_DIR}/dashboard/web)
set(web_build ${PROJECT_BINARY_DIR}/dashboard/web)
file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${web_src}/src/*.js ${web_src}/src/*.css)

# npm ci installs exactly the lock file's versions into the build folder,
# so the source tree stays clean. A failure (no network, no cache) stops
# the build with npm's own message.
set(web_installed ${web_build}/node_modules/.package-lock.json)
add_custom_command(OUTPUT ${web_installed}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${web_build}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${web_src}/package.json ${web_src}/package-lock.json ${web_build}/
  COMMAND ${SWEEP_NPM} ci --no-audit --no-fund --prefer-offline --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${web_installed}
  WORKING_DIRECTORY ${web_build}
  DEPENDS ${web_src}/package.json ${web_src}/package-lock.json
  COMMENT "npm ci: the dashboard's chart libraries and esbuild, as pinned by dashboard/web/package-lock.json"
  VERBATIM)

# esbuild resolves the sources' imports through NODE_PATH (the build
# folder's node_modules); --charset=ascii keeps the bundle plain ASCII.
set(web_js ${web_build}/dist/app.js)
set(web_css ${web_build}/dist/app.css)
add_custom_command(OUTPUT ${web_js} ${web_css}
  COMMAND ${CMAKE_COMMAND} -E env NODE_PATH=${web_build}/node_modules
          ${web_build}/node_modules/.bin/esbuild ${web_src}/src/main.js
          --bundle --minify --format=iife --target=es2020 --charset=ascii --log-level=warning
          --outfile=${web_js}
  DEPENDS ${web_installed} ${web_sources}
  COMMENT "esbuild: bundling the dashboard front-end"
  VERBATIM)

set(web_assets_cc ${CMAKE_CURRENT_BINARY_DIR}/web_assets.cc)
add_custom_command(OUTPUT ${web_assets_cc}
  COMMAND ${CMAKE_COMMAND} -DINDEX=${web_src}/index.html -DJS=${web_js} -DCSS=${web_css} -DOUT=${web_assets_cc}
          -P ${PROJECT_SOURCE_DIR}/dashboard/server/embed_web_assets.cmake
  DEPENDS ${web_src}/index.html ${web_js} ${web_css} ${PROJECT_SOURCE_DIR}/dashboard/server/embed_web_assets.cmake
  COMMENT "Embedding the dashboard front-end"
  VERBATIM)

