# Runs the packaged service. Build the jar first: mvn -B -q -DskipTests package
FROM eclipse-temurin:17-jre
COPY chat-app/target/chat-app.jar /app/chat-app.jar
EXPOSE 8080
# exec form: the JVM is PID 1 and gets SIGTERM, so it drains (clients are moved with 1012) before it exits.
# The parallel collector aiming at 5 % of the time in GC rather than 1 %, as measured (docs/performance.md, "Warm-up
# at start and runtime defaults"): the same fan-out with a smaller heap; what survives one young collection is
# promoted, so the young generation does not grow with the connections ("Memory per idle connection"). The heap
# follows the container's memory limit instead of README's fixed 512 MB-2 GB, and leaves a quarter of it for the
# connections' direct buffers, threads and the JIT.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:GCTimeRatio=19", "-XX:MaxTenuringThreshold=1", "-XX:InitialRAMPercentage=25", "-XX:MaxRAMPercentage=75", "-jar", "/app/chat-app.jar"]
