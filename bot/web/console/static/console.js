// The console works without this script; with it, files can be dropped on the upload
// form and each one is sent on its own, with a progress bar and its result as it lands.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var drop = form.querySelector("[data-drop]");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var dropped = null;

  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    dropped = Array.prototype.slice.call(event.dataTransfer.files);
    progressText.textContent = dropped.map(function (f) { return f.name; }).join(", ");
  });

  function send(body, label) {
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
      };
      request.onload = function () { resolve(new DOMParser().parseFromString(request.responseText, "text/html")); };
      request.onerror = function () { resolve(null); };
      progress.hidden = false;
      progress.value = 0;
      progressText.textContent = label;
      request.send(body);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = dropped || Array.prototype.slice.call(input.files);
    var url = form.querySelector("input[name=url]").value.trim();
    var jobs = files.map(function (file) {
      var body = new FormData();
      body.append("csrf", form.querySelector("input[name=csrf]").value);
      body.append("files", file, file.name);
      return [body, file.name];
    });
    if (url || !jobs.length) {
      var body = new FormData();
      body.append("csrf", form.querySelector("input[name=csrf]").value);
      body.append("url", url);
      jobs.push([body, url]);
    }
    var box = document.getElementById("results-box");
    var list = null;
    var last = null;
    jobs.reduce(function (previous, job) {
      return previous.then(function () {
        return send(job[0], job[1]).then(function (page) {
          if (!page) return;
          last = page;
          var results = page.getElementById("results-box");
          if (!list) { box.innerHTML = results.innerHTML; list = box.querySelector("#results"); }
          else { Array.prototype.forEach.call(results.querySelectorAll("#results li"), function (li) { list.appendChild(li); }); }
        });
      });
    }, Promise.resolve()).then(function () {
      progress.hidden = true;
      progressText.textContent = "";
      if (last) document.getElementById("documents-list").replaceWith(last.getElementById("documents-list"));
      form.reset();
      dropped = null;
    });
  });
})();
