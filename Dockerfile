# Runs the packaged service. Build the jar first: mvn -B -q -DskipTests package
FROM eclipse-temurin:17-jre
COPY chat-app/target/chat-app.jar /app/chat-app.jar
EXPOSE 8080
# exec form: the JVM is PID 1 and gets SIGTERM, so clients are told 1001 on shutdown
ENTRYPOINT ["java", "-jar", "/app/chat-app.jar"]
