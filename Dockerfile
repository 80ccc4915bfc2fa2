# syntax=docker/dockerfile:1
# neon-s3-backup Lambda image: the shaded jar on the AWS Lambda Java 21 base image (Amazon Linux
# 2023) plus the PostgreSQL client programs of every major version AL2023 offers from 15 up.
# `sam build` builds it for arm64 (template.yaml); `docker build .` works the same.

# ---- 1. the jar. Bytecode is platform-neutral, so this stage runs natively on the build host.
FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/maven:3.9-amazoncorretto-21-al2023 AS build
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
# the target architecture's.
FROM public.ecr.aws/amazonlinux/amazonlinux:2023 AS pg
RUN dnf -y -q install dnf-plugins-core cpio && dnf clean all
COPY docker/extract-pg-clients.sh /usr/local/bin/extract-pg-clients.sh
RUN /usr/local/bin/extract-pg-clients.sh /out 15 30

# ---- 3. the runtime image
FROM public.ecr.aws/lambda/java:21
COPY --from=pg /out/runtime-packages.txt /out/pg-majors.txt /usr/share/neon-s3-backup/
RUN dnf install -y $(cat /usr/share/neon-s3-backup/runtime-packages.txt) && dnf clean all && rm -rf /var/cache/dnf
COPY --from=pg /out/usr/lib64/ /usr/lib64/
COPY --from=pg /out/opt/ /opt/
# Fail the build, not the first backup, if a client cannot start (a missing shared library).
RUN for bin in /opt/pg*/bin; do "$bin/pg_dump" --version && "$bin/psql" --version; done

# The Java code finds pg_dump in /opt/pg*/bin by itself and picks the one matching each server
# (by `pg_dump --version`). PG_BIN_DIRS adds directories; it is not needed for this layout.
COPY --from=build /src/target/neon-s3-backup.jar ${LAMBDA_TASK_ROOT}/lib/neon-s3-backup.jar

CMD ["dev.neons3backup.lambda.BackupHandler::handleRequest"]
