#include "mail/html_email_frame.h"

#include "common/html_escape.h"

namespace callexa {

std::string HtmlEmailHead(std::string_view language, std::string_view title) {
  return "<!DOCTYPE html>\n<html lang=\"" + std::string(language) +
         "\" dir=\"ltr\">\n"
         "<head>\n"
         "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"x-apple-disable-message-reformatting\">\n"
         "<title>" +
         HtmlText(title) +
         "</title>\n</head>\n"
         "<body style=\"margin:0;padding:0;background-color:#f3f4f6;\">\n";
}

std::string HtmlEmailCardStart() {
  return "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
         "cellspacing=\"0\" "
         "border=\"0\" bgcolor=\"#f3f4f6\" style=\"background-color:#f3f4f6;\">\n"
         "<tr><td align=\"center\" style=\"padding:24px 8px;\">\n"
         "<!--[if mso]><table role=\"presentation\" width=\"600\" cellpadding=\"0\" "
         "cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->\n"
         "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
         "cellspacing=\"0\" "
         "border=\"0\" bgcolor=\"#ffffff\" style=\"max-width:600px;"
         "background-color:#ffffff;\">\n";
}

std::string HtmlEmailCardEnd() {
  return "</table>\n"
         "<!--[if mso]></td></tr></table><![endif]-->\n"
         "</td></tr>\n</table>\n</body>\n</html>\n";
}

}  // namespace callexa
