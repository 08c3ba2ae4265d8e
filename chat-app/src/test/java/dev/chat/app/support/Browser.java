package dev.chat.app.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The chat page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, found on the
 * machine; nothing is downloaded). Missing browsers fail the test with a message saying how to install them.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    public static Browser open(String url) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException(
                    "browser tests need Chromium and its driver: apt-get install -y chromium chromium-driver");
        }
        try {
            Path profile = Files.createTempDirectory("chat-browser");
            ChromeOptions options = new ChromeOptions()
                    .setBinary(CHROMIUM.toFile())
                    .addArguments(
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--window-size=1000,700",
                            "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            Browser browser = new Browser(driver);
            browser.driver.get(url);
            return browser;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens about:blank first, so a test can set up DevTools rules (like blocking WebSockets) before the page. */
    public static Browser blank() {
        return open("about:blank");
    }

    public void go(String url) {
        driver.get(url);
    }

    public void cdp(String command, Map<String, Object> parameters) {
        driver.executeCdpCommand(command, parameters);
    }

    public String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** Runs a script in the page (e.g. a function the page defined); its result, as WebDriver returns it. */
    public Object run(String script) {
        return driver.executeScript(script);
    }

    public String bodyData(String name) {
        return driver.findElement(By.tagName("body")).getDomAttribute("data-" + name);
    }

    public List<String> users() {
        return texts("#users li", "innerText").stream().map(String::strip).toList(); // as getText() read it
    }

    /** The texts of the messages shown in the current room, in order. */
    public List<String> messageTexts() {
        return texts("#messages li.message .text", "textContent");
    }

    /**
     * The texts of the elements matching {@code cssSelector}, read in one script: the page re-renders its lists as
     * events come, and an element found in one call could be gone ("stale") by the next.
     */
    private List<String> texts(String cssSelector, String property) {
        Object texts = driver.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e[arguments[1]])",
                cssSelector,
                property);
        return ((List<?>) texts).stream().map(String::valueOf).toList();
    }

    public int count(String cssSelector) {
        return driver.findElements(By.cssSelector(cssSelector)).size();
    }

    public List<String> systemLines() {
        return driver.findElements(By.cssSelector("#messages li.system")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Types into the message box and presses Enter, as a person would. */
    public void say(String text) {
        WebElement input = driver.findElement(By.id("text"));
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    /** Joins a room with the page's form, as a person would. */
    public void joinRoom(String room) {
        WebElement input = driver.findElement(By.id("room-name"));
        input.sendKeys(room);
        input.sendKeys(Keys.ENTER);
    }

    /** Leaves a room with its × button. */
    public void leaveRoom(String room) {
        driver.findElement(By.cssSelector("#rooms li[data-room='" + room + "'] button"))
                .click();
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    public int widthOf(String id) {
        return driver.findElement(By.id(id)).getRect().getWidth();
    }

    public void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
