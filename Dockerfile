# Runs the packaged service. Build the jar first: mvn -B -q -DskipTests package
# JDK 25, not README's "any JDK from 17": with an ahead-of-time cache and compact object headers it measured better
# than JDK 17 on nearly every figure, and within the runs' spread on the rest (docs/performance-log.md, "JDK 25 with an
# AOT cache in the image" and "... on a fast night").
FROM eclipse-temurin:25-jre
COPY chat-app/target/chat-app.jar /app/chat-app.jar
# A training run: the service's own warm-up traffic on a private loopback server, then exit; the JVM records the
# classes it loaded and linked and the methods' profiles into /app/chat.aot, so that every start of this image
# compiles its hot paths from the first clients on. The cache is tied to this JVM and this jar, so it is made here,
# with the flags it runs with; a fixed heap, so that the build machine's memory cannot give it another object layout
# (no compressed pointers past 32 GB) than the container's, which would leave the cache unused.
RUN java -XX:+UseParallelGC -XX:GCTimeRatio=19 -XX:MaxTenuringThreshold=1 -XX:+UseCompactObjectHeaders \
        --sun-misc-unsafe-memory-access=allow -Xmx1g -XX:AOTCacheOutput=/app/chat.aot \
        -jar /app/chat-app.jar --warm-up-only
EXPOSE 8080
# exec form: the JVM is PID 1 and gets SIGTERM, so it drains (clients are moved with 1012) before it exits.
# The parallel collector aiming at 5 % of the time in GC rather than 1 %, as measured (docs/performance-log.md, "Warm-up
# at start and runtime defaults"): the same fan-out with a smaller heap; what survives one young collection is
# promoted, so the young generation does not grow with the connections ("Memory per idle connection"). The heap
# follows the container's memory limit instead of README's fixed 512 MB-2 GB, and leaves a quarter of it for the
# connections' direct buffers, threads and the JIT. Compact object headers take 4 bytes off every object. Guice still
# reads a static field through sun.misc.Unsafe, which JDK 25 warns of at every start unless allowed.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:GCTimeRatio=19", "-XX:MaxTenuringThreshold=1", "-XX:+UseCompactObjectHeaders", "--sun-misc-unsafe-memory-access=allow", "-XX:AOTCache=/app/chat.aot", "-XX:InitialRAMPercentage=25", "-XX:MaxRAMPercentage=75", "-jar", "/app/chat-app.jar"]
