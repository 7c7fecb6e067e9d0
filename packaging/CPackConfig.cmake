# Packages: `cpack --config build/CPackConfig.cmake` after a build (DEB and TGZ), or `cpack -G DEB`.
set(CPACK_PACKAGE_NAME "tensorscope")
set(CPACK_PACKAGE_VENDOR "Tensorscope developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Browser for TensorFlow checkpoints and SavedModels")
set(CPACK_PACKAGE_DESCRIPTION "A native desktop browser (tensorscope) and command-line tool (tensorscope-cli) for
TensorFlow checkpoints and SavedModels: variable trees with optimizer slots, signatures, statistics,
histograms, value grids and heatmaps, without Python or TensorFlow.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "Tensorscope developers")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON) # the build has debug info; the package does not need it
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # tensorscope_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Tensorscope developers")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
# Library dependencies come from dpkg-shlibdeps on the installed binaries (Qt, protobuf, LevelDB, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt loads its platform plugin (xcb, wayland) at run time, which dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# The MIME and desktop databases are refreshed by the triggers shared-mime-info and desktop-file-utils
# declare on /usr/share/mime/packages and /usr/share/applications: no maintainer scripts needed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "shared-mime-info, desktop-file-utils, hicolor-icon-theme")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
