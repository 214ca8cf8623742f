# CPack settings for the .deb and the .rpm. Included from packaging/CMakeLists.txt, after
# every install rule. Build the packages with
#   cpack --config <build>/CPackConfig.cmake -G DEB   (or -G RPM; needs rpmbuild)
# Dependencies are computed from the binary (dpkg-shlibdeps; rpmbuild's own find-requires),
# never listed by hand.
set(CPACK_PACKAGE_NAME dcv-agent)
set(CPACK_PACKAGE_VENDOR "dcv-agent developers")
set(CPACK_PACKAGE_CONTACT "${DCV_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "make this server pass a CA's domain-control validation")
# The extended description: lines of at most 80 columns (lintian), the synopsis not repeated.
set(CPACK_PACKAGE_DESCRIPTION
    "dcv-agent diagnoses why a certificate authority's domain-control validation
would fail on this server (a firewall dropping port 80 or 443, a redirect or
deny rule on the validation path, the file missing or stale, the request
landing on the wrong virtual host), proposes the fix as exact commands and
configuration diffs, applies it with a journal and automatic rollback, and
verifies from outside vantage points the way the CA will. It supports the
file method (pki-validation) and ACME http-01.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/")
set(CPACK_GENERATOR DEB)

# ---- Debian
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${DCV_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DCV_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx | apache2, nftables | iptables | ufw | firewalld")
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY first, as the synopsis line
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")

# ---- RPM (rpmbuild computes Requires from the binary's DT_NEEDED)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE ${DCV_PACKAGE_RELEASE})
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-dcv-agent-unlicensed")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
# standard directories the filesystem package owns; the package owns only its own
list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /usr/share/man /usr/share/man/man1 /usr/share/bash-completion /usr/share/bash-completion/completions
  /usr/share/zsh /usr/share/zsh/vendor-completions /usr/share/ansible
  /usr/share/ansible/plugins /usr/share/ansible/plugins/modules /usr/share/lintian
  /usr/share/lintian/overrides /var /var/lib)

include(CPack)
