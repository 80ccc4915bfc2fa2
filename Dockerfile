# neon-s3-backup Lambda image: the shaded jar on the AWS Lambda Java 21 base image (Amazon Linux
# 2023) plus the PostgreSQL client programs of every major version AL2023 offers from 15 up.
#
# `sam build` builds it for arm64 (template.yaml: Architectures). By hand, build it for the
# platform you will run it on: `docker build --platform linux/arm64 .` for Lambda (on an x86 host
# that needs QEMU binfmt handlers, see README), or plain `docker build .` for the host's own
# architecture, which is what scripts/image-test does. A plain `docker build .` on an x86 host
# yields an x86 image, which the arm64 function cannot run.
#
# No `# syntax=` line: nothing here needs a newer Dockerfile frontend than the one built into the
# classic builder and BuildKit, and the line would make BuildKit pull the frontend image first.

# ---- 1. the jar. Bytecode is platform-neutral, so under BuildKit this stage runs natively on the
# build host even when the image is for another architecture.
#
# BUILDPLATFORM is set automatically by BuildKit only (`docker buildx build`, `sam build
# --use-buildkit`). SAM CLI's default build goes through the Docker SDK's images.build, i.e. the
# classic builder, which defines no such argument: a bare $BUILDPLATFORM expands to "" there and
# the build stops with `failed to parse platform : "" is an invalid component of ""`
# (moby builder/dockerfile/dispatchers.go, initializeStage: the --platform value is expanded with
# the declared ARGs, then parsed). ${BUILDPLATFORM:-linux/arm64} falls back to the function's
# architecture in that case, the platform the classic builder uses for every stage anyway (SAM
# passes platform=linux/arm64): natively on an arm64 host, under QEMU on an x86 one.
FROM --platform=${BUILDPLATFORM:-linux/arm64} public.ecr.aws/docker/library/maven:3.9-amazoncorretto-21-al2023 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -ntp -q dependency:go-offline
COPY src ./src
# Tests run in CI, not in the image build (they need PostgreSQL and S3 stand-ins).
RUN mvn -B -ntp -Dmaven.test.skip=true -Dmdep.skip=true -Dspotless.apply.skip=true package \
    && test -s target/neon-s3-backup.jar

# ---- 2. pg_dump/psql for PostgreSQL 15, 16, 17 and any newer major the repositories have.
# AL2023's postgresqlNN packages conflict in /usr/bin, so each major is unpacked from its RPM into
# /opt/pgNN/bin (see docker/extract-pg-clients.sh). Runs on the target platform: the RPMs are
# the target architecture's. The script's tools beyond the image's bash, coreutils, rpm and dnf
# are installed here: dnf-plugins-core (dnf download), cpio, grep.
FROM public.ecr.aws/amazonlinux/amazonlinux:2023 AS pg
RUN dnf -y -q install dnf-plugins-core cpio grep && dnf clean all
COPY docker/extract-pg-clients.sh /usr/local/bin/extract-pg-clients.sh
RUN /usr/local/bin/extract-pg-clients.sh /out 15 30

# ---- 3. the runtime image
FROM public.ecr.aws/lambda/java:21
COPY --from=pg /out/soname-packages.txt /out/pg-majors.txt /usr/share/neon-s3-backup/
COPY --from=pg /out/usr/lib64/ /usr/lib64/
COPY --from=pg /out/opt/ /opt/
# Installs only the libraries the base image lacks, then fails the build (not the first backup)
# if any client cannot start.
COPY docker/install-runtime-libs.sh /usr/local/bin/install-runtime-libs.sh
RUN /usr/local/bin/install-runtime-libs.sh /usr/share/neon-s3-backup/soname-packages.txt

# The Java code finds pg_dump in /opt/pg*/bin by itself and picks the one matching each server
# (by `pg_dump --version`). PG_BIN_DIRS adds directories; it is not needed for this layout.
COPY --from=build /src/target/neon-s3-backup.jar ${LAMBDA_TASK_ROOT}/lib/neon-s3-backup.jar

CMD ["dev.neons3backup.lambda.BackupHandler::handleRequest"]
