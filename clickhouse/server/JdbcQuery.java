/*
 * A JDBC client as DBeaver is one: com.clickhouse:clickhouse-jdbc 0.10.0 over HTTP. Runs one
 * statement and prints the result as tab-separated lines with a header. Used by test/server/server.test.ts.
 *
 *   java -cp '.tools/clickhouse-jdbc/lib/*' clickhouse/server/JdbcQuery.java JDBC_URL USER < statement.sql
 *
 * The password comes from the environment (CLICKHOUSE_PASSWORD), never the command line.
 */
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.Properties;

public class JdbcQuery {
  public static void main(String[] args) throws Exception {
    String sql = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim().replaceAll(";\\s*$", "");
    Properties properties = new Properties();
    properties.setProperty("user", args[1]);
    properties.setProperty("password", System.getenv().getOrDefault("CLICKHOUSE_PASSWORD", ""));
    try (Connection connection = DriverManager.getConnection(args[0], properties);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      StringBuilder out = new StringBuilder();
      for (int i = 1; i <= meta.getColumnCount(); i++) out.append(i > 1 ? "\t" : "").append(meta.getColumnLabel(i));
      out.append('\n');
      while (result.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) out.append(i > 1 ? "\t" : "").append(result.getString(i));
        out.append('\n');
      }
      System.out.print(out);
    }
  }
}
